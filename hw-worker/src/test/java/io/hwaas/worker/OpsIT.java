package io.hwaas.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.Command;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.ops.Ops;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** The operator commands as the worker's image runs them: handed over by Main, against real workers. */
class OpsIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();

    private final Jedis jedis = redis.db();

    /** Runs an operator command as Main hands it over, and what it printed. */
    private static Command.Result ops(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Ops.commandLine(new Env(Map.of("REDIS_URL", redis.url(1))), new OpsWorkerSide());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Command.Result(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void statusMeasuresTheRateAndLatencyFromTheWorkersCountersReadTwice() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1)); Jedis client = redis.jedis(1)) {
            // 20 hellos every 100 ms: 200 a second while status measures.
            ScheduledExecutorService clients = Executors.newSingleThreadScheduledExecutor();
            AtomicLong seq = new AtomicLong();
            clients.scheduleAtFixedRate(() -> {
                long from = seq.getAndAdd(20) + 1;
                TestHellos.enqueue(client, KEYS, "status-client", from, from + 19);
            }, 0, 100, TimeUnit.MILLISECONDS);
            Command.Result status;
            try {
                await("the worker prints").atMost(Duration.ofSeconds(20))
                        .until(() -> worker.metrics().printedTotal() > 100);
                status = ops("status", "--window", "3s", "--json");
            } finally {
                clients.shutdownNow();
                clients.awaitTermination(5, TimeUnit.SECONDS);
            }
            assertThat(status.exit()).as("exit status: " + status.describe()).isZero();
            JsonNode figures = JSON.readTree(status.out());
            assertThat(figures.path("workers").asInt()).as("live workers").isEqualTo(1);
            assertThat(figures.path("printedPerSecond").asDouble()).as("hellos a second: " + figures)
                    .isBetween(150.0, 250.0);
            assertThat(figures.path("latencyP50Ms").asDouble()).as("a latency from the buckets: " + figures)
                    .isGreaterThan(0.0);
        }
    }

    @Test
    void benchLatencyWaitsForARedisThatGoesAwayMidWindowInsteadOfEndingTheFigure() throws Exception {
        // ./hwaas bench --ha lost its unpacked figure this way: on a saturated host Sentinel failed
        // the primary over, and the benchmark's one connection timed out and ended the script.
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            TestHellos.enqueue(jedis, KEYS, "bench-client", 1, 50);
            CompletableFuture<Command.Result> bench = CompletableFuture.supplyAsync(
                    () -> ops("bench-latency", "--window", "3", "--windows", "2"));
            await("the worker printed the hellos").atMost(Duration.ofSeconds(20))
                    .until(() -> worker.metrics().printedTotal() == 50);
            redis.restart();
            Command.Result result = bench.get(60, TimeUnit.SECONDS);
            assertThat(result.exit()).as("exit status after both windows: " + result.describe()).isZero();
            assertThat(result.out()).as("a line per window and the median").contains("window 1:", "window 2:", "median:");
        }
    }

    @Test
    void benchDrainRunsARealWorkerOverAFullQueue(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("hellos.out");
        Command.Result drain = ops("bench-drain", "--count", "2000", "--threads", "2", "--runs", "1", "--out",
                out.toString());
        assertThat(drain.exit()).as("exit status: " + drain.describe()).isZero();
        assertThat(drain.out().lines().skip(1).findFirst().orElse("")).as("the row of 2 threads: " + drain.out())
                .matches("2 +\\d+ +\\[\\d+\\] +\\d+\\.\\d\\d");
        assertThat(Files.readAllLines(out)).as("what the worker printed").hasSize(2000)
                .allMatch("hello, world!"::equals);
    }

    @Test
    void theWorkersMainHandsOperatorCommandsOverAndTheAuditOfAMillionAndAHalfQueuedHellosFitsItsHeap()
            throws Exception {
        // The worker image's heap is 96 MiB; the audit used to box every queued id and run out of it.
        for (int c = 0; c < 10; c++) {
            TestHellos.enqueue(jedis, KEYS, ClientIds.container(ClientIds.of("backlog" + c, System.currentTimeMillis(),
                    0)) + "-0", 1, 150_000);
        }
        // Only what the test sets: a developer's own HWAAS_* settings must not change what it sees.
        Command.Result audit = Command.java(List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"), Main.class.getName(),
                "audit", "--json").unset(name -> name.startsWith("HWAAS_")).env("REDIS_URL", redis.url(1))
                .run(Duration.ofMinutes(3));
        assertThat(audit.exit()).as("exit status (3 would be the JVM out of memory): " + audit.describe()).isZero();
        assertThat(audit.out()).as("its report").contains("\"queued\":1500000", "\"verdict\":\"OK\"");
    }

    @Test
    void largeJunkInTheQueueIsCountedAndTheAuditStillFitsItsHeap() throws Exception {
        // 180 MB of junk among 1000 queued hellos, audited in the worker image's 96 MiB heap: 60
        // payloads of 1 MB (no longer than a worker may parse: read a few at a time) and 30 of 4 MB
        // (longer: counted, never read); the audit used to read them all in one page.
        String client = ClientIds.container(ClientIds.of("junk", System.currentTimeMillis(), 0)) + "-0";
        TestHellos.enqueue(jedis, KEYS, client, 1, 500);
        String junk = "j".repeat(1_000_000);
        for (int i = 0; i < 60; i++) {
            jedis.rpush(KEYS.queue(), junk);
        }
        // Longer than this Redis takes in one argument (proto-max-bulk-len 1mb): built inside it.
        jedis.eval("for i = 1, 30 do redis.call('RPUSH', KEYS[1], string.rep('J', 4000000)) end", 1, KEYS.queue());
        TestHellos.enqueue(jedis, KEYS, client, 501, 1000);
        Command.Result audit = Command.java(List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"), Main.class.getName(),
                "audit", "--json").unset(name -> name.startsWith("HWAAS_")).env("REDIS_URL", redis.url(1))
                .run(Duration.ofMinutes(2));
        assertThat(audit.exit()).as("exit status (3 would be the JVM out of memory): " + audit.describe()).isZero();
        assertThat(audit.out()).as("its report: the junk counted, the hellos on both sides of it waiting")
                .contains("\"queued\":1090", "\"waiting\":1000", "\"verdict\":\"OK\"");
    }
}
