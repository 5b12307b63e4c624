package io.hwaas.ops.bench;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.ops.OpsCommand;
import io.hwaas.ops.status.Figures;
import io.hwaas.ops.status.StatusCommand;
import io.hwaas.runtime.Service;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-latency [--window 30] [--windows 3]}: enqueue-to-print latency and the hello
 * rate of a running stack, from the workers' counters read at the start and end of each window,
 * so that start-up backlog does not count. Prints one line per window and the median of the windows.
 */
@Command(name = "bench-latency", description = "Enqueue-to-print latency and hello rate of a running stack, measured "
        + "over windows from the workers' published counters; one line per window, then the median.")
public final class LatencyBench extends OpsCommand {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Option(names = "--window", paramLabel = "SECONDS", description = "Length of a window (1 to 3600; default 30).")
    private int window = 30;
    @Option(names = "--windows", paramLabel = "N", description = "Number of windows (1 to 1000; default 3).")
    private int windows = 3;

    @Override
    protected int run(CommonConfig config) throws Exception {
        Duration deadAfter = worker.liveness(env).deadAfter();
        PrintWriter out = out();
        double[][] results = new double[windows][];
        // The stack under measurement may be overloaded or fail over (Sentinel can promote a
        // replica when the host is saturated): follow the primary and retry each read for a while,
        // as the services do, rather than end the measurement on one slow reply.
        try (RedisSession session = RedisSession.to(RedisConnector.of(config.redis(), "hwaas-bench-latency"),
                "bench-latency").build()) {
            StatusCommand.Snapshot before = read(session, config, deadAfter);
            for (int w = 0; w < windows; w++) {
                Thread.sleep(window * 1000L);
                StatusCommand.Snapshot after = read(session, config, deadAfter);
                Figures.Window between = after.figures().since(before.figures());
                results[w] = new double[] {between.printedPerSecond(), after.clients(), between.quantile(0.50) * 1000,
                    between.quantile(0.95) * 1000, between.quantile(0.99) * 1000};
                out.printf("window %d: %.0f hellos/s (expected %.0f), p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n",
                        w + 1, results[w][0], results[w][1], results[w][2], results[w][3], results[w][4]);
                before = after;
            }
        } catch (RedisSession.GaveUp e) {
            err().println("bench-latency: " + e.getMessage() + ": Redis did not answer for "
                    + PATIENCE.toSeconds() + " s; no figure");
            return Service.EXIT_UNAVAILABLE;
        }
        out.printf("median: %.0f hellos/s (expected %.0f), p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n",
                median(results, 0), median(results, 1), median(results, 2), median(results, 3), median(results, 4));
        return 0;
    }

    private static StatusCommand.Snapshot read(RedisSession session, CommonConfig config, Duration deadAfter)
            throws InterruptedException, RedisSession.GaveUp {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        return session.retry("reading the status", () -> System.nanoTime() < deadline,
                jedis -> StatusCommand.read(jedis, config.keys(), deadAfter));
    }

    /** The median of a column over the windows that have a value (a window with nothing printed has no latency). */
    private static double median(double[][] rows, int column) {
        double[] values = Arrays.stream(rows).mapToDouble(row -> row[column]).filter(v -> !Double.isNaN(v))
                .sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2];
    }
}
