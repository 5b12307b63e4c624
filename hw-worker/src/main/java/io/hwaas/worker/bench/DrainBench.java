package io.hwaas.worker.bench;

import io.hwaas.common.config.Env;
import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.worker.CommandLine;
import io.hwaas.worker.Worker;
import io.hwaas.worker.WorkerConfig;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
public final class DrainBench {
    private DrainBench() {
    }

    public static int main(Env env, String[] args) throws Exception {
        int count = CommandLine.number(args, "--count", 200_000, 1, 100_000_000);
        if (CommandLine.has(args, "--fill-only")) {
            WorkerConfig config = WorkerConfig.fromEnv(env, "bench-fill");
            try (Jedis jedis = RedisConnector.of(config.common().redis(), "bench-fill").open(Duration.ZERO)) {
                fill(jedis, config.common(), count);
            }
            System.out.println("filled " + count);
            return 0;
        }
        int runs = CommandLine.number(args, "--runs", 3, 1, 100);
        String out = CommandLine.value(args, "--out", "/tmp/hellos.out");
        int[] threadCounts = Arrays.stream(CommandLine.value(args, "--threads", "1,2,4,8").split(","))
                .mapToInt(Integer::parseInt).toArray();

        System.out.printf("%-8s %-12s %-28s %s%n", "threads", "median/s", "runs/s", "commands/hello");
        for (int threads : threadCounts) {
            Map<String, String> vars = new HashMap<>(System.getenv());
            vars.put("HWAAS_WORKER_THREADS", Integer.toString(threads));
            vars.put("HWAAS_METRICS_PORT", "0");
            WorkerConfig config = WorkerConfig.fromEnv(new Env(vars), "bench-" + Long.toString(System.nanoTime(), 36));
            List<Double> rates = new ArrayList<>();
            List<Double> commands = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                double[] result = drainOnce(config, count, out);
                rates.add(result[0]);
                commands.add(result[1]);
            }
            List<Double> sorted = new ArrayList<>(rates);
            sorted.sort(null);
            System.out.printf("%-8d %-12.0f %-28s %.2f%n", threads, sorted.get(sorted.size() / 2),
                    rates.stream().map(r -> String.format("%.0f", r)).toList(),
                    commands.stream().sorted().toList().get(commands.size() / 2));
        }
        return 0;
    }

    private static double[] drainOnce(WorkerConfig base, int count, String out) throws Exception {
        WorkerConfig config = base.named(base.name() + "-" + Long.toString(System.nanoTime(), 36));
        Keys keys = config.common().keys();
        try (Jedis jedis = RedisConnector.of(config.common().redis(), "bench").open(Duration.ZERO)) {
            jedis.del(keys.queue());
            fill(jedis, config.common(), count);
            long before = commandsProcessed(jedis);

            WorkerMetrics metrics = new WorkerMetrics(new PrometheusRegistry());
            try (OutputStream file = new BufferedOutputStream(new FileOutputStream(out), 1 << 16)) {
                Worker worker = Worker.create(config, new LinePrinter(file), metrics);
                long start = System.nanoTime();
                worker.start();
                while (metrics.printedTotal() < count) {
                    Thread.sleep(1);
                }
                long elapsed = System.nanoTime() - start;
                long after = commandsProcessed(jedis);
                worker.stop();
                // Two INFO calls of our own are in the difference.
                return new double[] {count / (elapsed / 1e9), (after - before - 2) / (double) count};
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
