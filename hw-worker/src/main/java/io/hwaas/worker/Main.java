package io.hwaas.worker;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.common.config.Variables;
import io.hwaas.runtime.MetricsServer;
import io.hwaas.runtime.Service;
import io.hwaas.runtime.Signals;
import io.hwaas.worker.audit.AuditCommand;
import io.hwaas.worker.audit.KeysCommand;
import io.hwaas.worker.audit.StatusCommand;
import io.hwaas.worker.bench.AuditBench;
import io.hwaas.worker.bench.DrainBench;
import io.hwaas.worker.bench.LatencyBench;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a worker, or with an argument runs one of the operator commands that share the
 * worker's image: {@code audit}, {@code status}, {@code keys}, {@code bench-drain},
 * {@code bench-latency}, {@code bench-audit-fill}, and {@code variables}, which prints a warning
 * for each {@code HWAAS_*} variable in its environment that nothing reads ({@code ./hwaas} passes
 * it the names it was given, before it starts a stack).
 */
public final class Main {
    static {
        Service.prepareJvm();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Env env = new Env(System.getenv());
        String command = args.length == 0 ? "run" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        int status;
        try {
            status = switch (command) {
                case "run" -> run(env);
                case "audit" -> AuditCommand.main(env, rest);
                case "status" -> StatusCommand.main(env, rest);
                case "keys" -> KeysCommand.main(env, rest);
                case "bench-drain" -> DrainBench.main(env, rest);
                case "bench-latency" -> LatencyBench.main(env, rest);
                case "bench-audit-fill" -> AuditBench.main(env, rest);
                case "train" -> Training.run();
                case "variables" -> {
                    Variables.warnings(System.getenv()).forEach(System.out::println);
                    yield 0;
                }
                default -> {
                    System.err.println("unknown command '" + command + "'; expected no argument (run the worker),"
                            + " audit, status, keys, bench-drain, bench-latency, bench-audit-fill or variables");
                    yield Service.EXIT_USAGE;
                }
            };
        } catch (ConfigException e) {
            status = Service.refuse(e);
        }
        System.exit(status);
    }

    private static int run(Env env) throws Exception {
        WorkerConfig config = WorkerConfig.fromEnv(env);
        Service.warnUnknownVariables(System.getenv(), LOG);
        PrometheusRegistry registry = new PrometheusRegistry();
        Worker worker = Worker.create(config, new LinePrinter(new FileOutputStream(FileDescriptor.out)),
                new WorkerMetrics(registry));
        MetricsServer server = config.common().metricsPort() == 0 ? null
                : MetricsServer.start(config.common().metricsPort(), registry, worker::healthy);
        Signals.onTerminate(worker::stop);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::stop, "shutdown-hook"));
        LOG.info("Worker {} starting: Redis {}, queue {}", config.name(), config.common().redis().describe(),
                config.common().keys().queue());
        worker.start();
        Throwable failure = worker.await();
        if (server != null) {
            server.close();
        }
        return failure == null ? 0 : 1;
    }
}
