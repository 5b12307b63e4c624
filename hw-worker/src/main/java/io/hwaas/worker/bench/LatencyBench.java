package io.hwaas.worker.bench;

import io.hwaas.common.config.Env;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.runtime.Service;
import io.hwaas.worker.CommandLine;
import io.hwaas.worker.WorkerConfig;
import io.hwaas.worker.audit.StatusCommand;
import java.time.Duration;

/**
 * {@code bench-latency [--window 30] [--windows 3]}: enqueue-to-print latency and the hello
 * rate of a running stack, measured over windows from the workers' published histograms, so that
 * start-up backlog does not count. Prints one line per window and the median of the windows.
 */
public final class LatencyBench {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private LatencyBench() {
    }

    public static int main(Env env, String[] args) throws Exception {
        int window = CommandLine.number(args, "--window", 30, 1, 3600);
        int windows = CommandLine.number(args, "--windows", 3, 1, 1000);
        WorkerConfig config = WorkerConfig.fromEnv(env, "bench-latency");
        double[][] results = new double[windows][];
        // The stack under measurement may be overloaded or fail over (Sentinel can promote a
        // replica when the host is saturated): follow the primary and retry each read for a while,
        // as the services do, rather than end the measurement on one slow reply.
        try (RedisSession session = RedisSession.to(RedisConnector.of(config.common().redis(), "hwaas-bench-latency"),
                "bench-latency").build()) {
            StatusCommand.Status before = read(session, config);
            for (int w = 0; w < windows; w++) {
                long start = System.nanoTime();
                Thread.sleep(window * 1000L);
                StatusCommand.Status after = read(session, config);
                double seconds = (System.nanoTime() - start) / 1e9;
                long[] delta = new long[after.latencyBuckets().length];
                for (int i = 0; i < delta.length; i++) {
                    delta[i] = after.latencyBuckets()[i] - (i < before.latencyBuckets().length ? before.latencyBuckets()[i] : 0);
                }
                long printed = delta.length == 0 ? 0 : delta[delta.length - 1];
                double[] bounds = after.latencyBounds();
                results[w] = new double[] {printed / seconds, after.clients(),
                    StatusCommand.quantile(bounds, delta, 0.50) * 1000, StatusCommand.quantile(bounds, delta, 0.95) * 1000,
                    StatusCommand.quantile(bounds, delta, 0.99) * 1000};
                System.out.printf("window %d: %.0f hellos/s (expected %.0f), p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n",
                        w + 1, results[w][0], results[w][1], results[w][2], results[w][3], results[w][4]);
                before = after;
            }
        } catch (RedisSession.GaveUp e) {
            System.err.println("bench-latency: " + e.getMessage() + ": Redis did not answer for "
                    + PATIENCE.toSeconds() + " s; no figure");
            return Service.EXIT_UNAVAILABLE;
        }
        System.out.printf("median: %.0f hellos/s (expected %.0f), p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n",
                median(results, 0), median(results, 1), median(results, 2), median(results, 3), median(results, 4));
        return 0;
    }

    private static StatusCommand.Status read(RedisSession session, WorkerConfig config)
            throws InterruptedException, RedisSession.GaveUp {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        return session.retry("reading the status", () -> System.nanoTime() < deadline,
                jedis -> StatusCommand.read(jedis, config.common().keys(), config.deadAfter()));
    }

    /** The median of a column over the windows that have a value (a window with nothing printed has no latency). */
    private static double median(double[][] rows, int column) {
        double[] values = java.util.Arrays.stream(rows).mapToDouble(row -> row[column]).filter(v -> !Double.isNaN(v))
                .sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2];
    }
}
