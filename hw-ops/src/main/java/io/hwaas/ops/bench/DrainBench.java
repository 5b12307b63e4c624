package io.hwaas.ops.bench;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.ops.OpsCommand;
import io.hwaas.ops.WorkerSide;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * {@code bench-drain [--count 200000] [--threads 1,2,4,8] [--runs 3] [--out /tmp/hellos.out]}:
 * how fast one worker process drains a full queue, and how many Redis commands it spends per
 * hello. It fills the queue with real hellos (audit records included), runs the real worker
 * code with stdout going to {@code --out}, and reads Redis' own command counter around the drain.
 * Run it against a Redis that nothing else uses.
 *
 * <p>{@code bench-drain --fill-only --count N} only fills the queue, for measuring a worker
 * container of the stack draining it with its stdout going to Docker's log driver.
 */
@Command(name = "bench-drain", description = "How fast one worker process drains a full queue, and the Redis commands "
        + "it spends per hello. Only against a Redis that nothing else uses.")
public final class DrainBench extends OpsCommand {
    @Option(names = "--count", paramLabel = "N", description = "Hellos per drain (1 to 100000000; default 200000).")
    private int count = 200_000;
    @Option(names = "--threads", paramLabel = "N,N...", split = ",",
            description = "Consumer threads to measure, in turn (each 1 to 64; default 1,2,4,8).")
    private int[] threads = {1, 2, 4, 8};
    @Option(names = "--runs", paramLabel = "N", description = "Drains per thread count (1 to 100; default 3).")
    private int runs = 3;
    @Option(names = "--out", paramLabel = "FILE", description = "Where the hello lines go (default /tmp/hellos.out).")
    private String outFile = "/tmp/hellos.out";
    @Option(names = "--fill-only", description = "Only fill the queue with --count hellos.")
    private boolean fillOnly;

    @Override
    protected int run(CommonConfig common) throws Exception {
        PrintWriter table = out();
        if (fillOnly) {
            try (Jedis jedis = RedisConnector.of(common.redis(), "bench-fill").open(Duration.ZERO)) {
                fill(jedis, common, count);
            }
            table.println("filled " + count);
            return 0;
        }
        table.printf("%-8s %-12s %-28s %s%n", "threads", "median/s", "runs/s", "commands/hello");
        for (int t : threads) {
            Env vars = env.with("HWAAS_WORKER_THREADS", Integer.toString(t)).with("HWAAS_METRICS_PORT", "0");
            List<Double> rates = new ArrayList<>();
            List<Double> commands = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                double[] result = drainOnce(common, vars, "bench-" + Long.toString(System.nanoTime(), 36));
                rates.add(result[0]);
                commands.add(result[1]);
            }
            table.printf("%-8d %-12.0f %-28s %.2f%n", t, rates.stream().sorted().toList().get(runs / 2),
                    rates.stream().map(r -> String.format("%.0f", r)).toList(),
                    commands.stream().sorted().toList().get(runs / 2));
        }
        return 0;
    }

    private double[] drainOnce(CommonConfig common, Env vars, String name) throws Exception {
        try (Jedis jedis = RedisConnector.of(common.redis(), "bench").open(Duration.ZERO)) {
            jedis.del(common.keys().queue());
            fill(jedis, common, count);
            long before = commandsProcessed(jedis);
            try (OutputStream file = new BufferedOutputStream(new FileOutputStream(outFile), 1 << 16)) {
                long start = System.nanoTime();
                try (WorkerSide.Running running = worker.start(vars, name, file)) {
                    while (running.printed() < count) {
                        Thread.sleep(1);
                    }
                    long elapsed = System.nanoTime() - start;
                    long after = commandsProcessed(jedis);
                    // Two INFO calls of our own are in the difference.
                    return new double[] {count / (elapsed / 1e9), (after - before - 2) / (double) count};
                }
            }
        }
    }

    /** Enqueues {@code count} hellos from one bench client, as a client would, audit bits included. */
    static void fill(Jedis jedis, CommonConfig common, int count) {
        HelloWriter writer = new HelloWriter(common.keys(), ClientIds.of("bench", System.currentTimeMillis(), 0),
                common.auditTtl(), common.clock());
        Pipeline p = jedis.pipelined();
        for (long seq = 1; seq <= count; seq++) {
            writer.write(p, seq);
            if (seq % 1000 == 0) {
                Pipelines.sync(p);
                p = jedis.pipelined();
            }
        }
        Pipelines.sync(p);
    }

    private static long commandsProcessed(Jedis jedis) {
        for (String line : jedis.info("stats").split("\r?\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("INFO stats has no total_commands_processed");
    }
}
