package io.hwaas.worker;

import io.hwaas.common.config.Env;
import io.hwaas.ops.WorkerSide;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;

/** The worker as the operator commands see it: its heartbeat settings, and a real one to run for the drain benchmark. */
final class OpsWorkerSide implements WorkerSide {
    @Override
    public Liveness liveness(Env env) {
        WorkerConfig config = WorkerConfig.fromEnv(env, "ops");
        return new Liveness(config.heartbeat(), config.deadAfter());
    }

    @Override
    public Running start(Env env, String name, OutputStream out) throws InterruptedException {
        WorkerMetrics metrics = new WorkerMetrics(new PrometheusRegistry());
        Worker worker = Worker.create(WorkerConfig.fromEnv(env, name), new LinePrinter(out), metrics);
        worker.start();
        return new Running() {
            @Override
            public long printed() {
                return metrics.printedTotal();
            }

            @Override
            public void close() {
                worker.stop();
            }
        };
    }
}
