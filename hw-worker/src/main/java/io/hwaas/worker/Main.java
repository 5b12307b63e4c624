package io.hwaas.worker;

import io.hwaas.common.config.Variables;
import io.hwaas.ops.Ops;
import io.hwaas.runtime.MetricsServer;
import io.hwaas.runtime.Service;
import io.hwaas.runtime.Signals;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a worker; {@code train} is the image build's training run, and any other argument an
 * operator command of hw-ops ({@code status}, {@code audit}, {@code keys}, the benchmarks) that
 * ships in the worker's image; {@code variables} prints a warning for each {@code HWAAS_*}
 * variable in its environment that nothing reads ({@code ./hwaas} passes it the names it was given).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Service.main(env -> switch (args.length == 0 ? "run" : args[0]) {
            case "run" -> run(WorkerConfig.fromEnv(env));
            case "train" -> Training.run();
            case "variables" -> {
                Variables.warnings(System.getenv()).forEach(System.out::println);
                yield 0;
            }
            default -> Ops.run(args, env, new OpsWorkerSide());
        });
    }

    private static int run(WorkerConfig config) throws Exception {
        Logger log = LoggerFactory.getLogger(Main.class);
        Service.warnUnknownVariables(System.getenv(), log);
        PrometheusRegistry registry = new PrometheusRegistry();
        Worker worker = Worker.create(config, new LinePrinter(new FileOutputStream(FileDescriptor.out)),
                new WorkerMetrics(registry));
        try (MetricsServer server = MetricsServer.serve(config.common().metricsPort(), registry, worker::healthy)) {
            Signals.onTerminate(worker::stop);
            log.info("Worker {} starting: Redis {}, queue {}", config.name(), config.common().redis().describe(),
                    config.common().keys().queue());
            worker.start();
            return worker.await() == null ? 0 : 1;
        }
    }
}
