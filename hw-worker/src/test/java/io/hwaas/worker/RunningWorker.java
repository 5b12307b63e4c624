package io.hwaas.worker;

import io.hwaas.common.config.Env;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real worker running in the test's JVM against a test Redis, wired as Main wires it, with its stdout captured. */
public final class RunningWorker implements AutoCloseable {
    public final Worker worker;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private RunningWorker(WorkerConfig config) {
        this.worker = Worker.create(config, new LinePrinter(out), new WorkerMetrics(new PrometheusRegistry()));
    }

    /** Starts a worker on {@code redisUrl}; {@code env} are extra variables, in pairs. */
    public static RunningWorker start(String redisUrl, String... env) throws InterruptedException {
        Map<String, String> vars = new HashMap<>();
        vars.put("REDIS_URL", redisUrl);
        vars.put("HWAAS_METRICS_PORT", "0");
        vars.put("HWAAS_HEARTBEAT_INTERVAL", "200ms");
        vars.put("HWAAS_WORKER_DEAD_AFTER", "1s");
        vars.put("HWAAS_WORKER_BLOCK_TIMEOUT", "1s");
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        RunningWorker running = new RunningWorker(WorkerConfig.fromEnv(new Env(vars),
                "test-" + Long.toString(System.nanoTime(), 36)));
        running.worker.start();
        return running;
    }

    /** The lines printed so far. */
    public List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    public WorkerMetrics metrics() {
        return worker.metrics();
    }

    public String name() {
        return worker.config().name();
    }

    @Override
    public void close() {
        worker.stop();
    }
}
