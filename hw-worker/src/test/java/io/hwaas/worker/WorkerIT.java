package io.hwaas.worker;

import static io.hwaas.common.testing.TestHellos.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.worker.audit.Audit;
import io.hwaas.worker.consume.LuaScript;
import io.hwaas.worker.recovery.Heartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.greghaines.jesque.ConfigBuilder;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.client.ClientImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/** The worker against a real Redis: printing, deduplication, poison, recovery, shutdown, outages. */
class WorkerIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private Jedis jedis;

    @BeforeEach
    void connect() {
        jedis = redis.jedis(1);
    }

    @Test
    void printsEveryHelloOnceAndAcknowledgesIt() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 250);
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("250 lines", 20, () -> worker.lines().size() >= 250);
            assertThat(worker.lines()).as("printed lines").hasSize(250).containsOnly(Hello.MESSAGE);
            await("acknowledged", 5, () -> inflightTotal() == 0);
            Audit.Report report = new Audit(jedis, KEYS).run(0, 0);
            assertThat(report.submitted()).as("submitted per audit").isEqualTo(250);
            assertThat(report.printed()).as("printed per audit").isEqualTo(250);
            assertThat(report.lost()).as("lost per audit").isZero();
            assertThat(report.duplicates()).as("duplicates per audit").isZero();
            assertThat(worker.metrics.printedTotal()).as("printed counter").isEqualTo(250);
        }
    }

    @Test
    void aHelloEnqueuedTwiceIsPrintedOnce() throws Exception {
        String payload = TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 1).get(0);
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("first copy printed", 10, () -> worker.lines().size() == 1);
            jedis.rpush(KEYS.queue(), payload, payload);
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 2, 2);
            await("second hello printed", 10, () -> worker.lines().size() >= 2);
            await("queue drained", 10, () -> jedis.llen(KEYS.queue()) == 0 && inflightTotal() == 0);
            assertThat(worker.lines()).as("lines: the re-sent copies are skipped").hasSize(2);
            assertThat(new Audit(jedis, KEYS).run(0, 0).duplicates()).as("duplicates").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed_json    | not json at all",
        "malformed_json    | {\"class\":\"PrintJob\",\"args\":[",
        "malformed_job     | [\"PrintJob\"]",
        "malformed_job     | null",
        "malformed_job     | {\"args\":[\"no class\"]}",
        "malformed_json    | {\"class\":\"PrintJob\",\"args\":[\"x\"]} trailing",
        "malformed_job     | {\"class\":\"PrintJob\",\"args\":[\"x\"]} {}",
        "unknown_job       | {\"class\":\"rm -rf\",\"args\":[\"x\"]}",
        "bad_arguments     | {\"class\":\"PrintJob\",\"args\":[]}",
        "bad_arguments     | {\"class\":\"PrintJob\",\"args\":[\"a\",\"b\"]}",
        "bad_arguments     | {\"class\":\"PrintJob\",\"args\":[42]}",
        "bad_arguments     | {\"class\":\"PrintJob\",\"args\":[{\"a\":1}]}",
        "bad_arguments     | {\"class\":\"PrintJob\",\"args\":[null]}",
        "bad_arguments     | {\"class\":\"PrintJob\",\"args\":[\"x\"],\"vars\":{\"a\":1}}",
        "bad_metadata      | {\"class\":\"PrintJob\",\"args\":[\"x\"],\"hwaas\":{\"client\":\"c-1-0\",\"seq\":\"one\",\"enqueuedAt\":1}}",
        "oversized_argument| LONG_ARGUMENT",
        "oversized_payload | HUGE_PAYLOAD",
    })
    void poisonIsDeadLetteredWithItsReasonAndTheWorkerGoesOn(String reason, String payload) throws Exception {
        String poison = switch (payload) {
            case "LONG_ARGUMENT" -> "{\"class\":\"PrintJob\",\"args\":[\"" + "x".repeat(5000) + "\"]}";
            case "HUGE_PAYLOAD" -> "{\"class\":\"PrintJob\",\"args\":[\"" + "y".repeat(200_000) + "\"]}";
            default -> payload;
        };
        jedis.rpush(KEYS.queue(), poison);
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("the hellos behind the poison printed", 10, () -> worker.lines().size() >= 3);
            await("acknowledged", 5, () -> inflightTotal() == 0);
            assertThat(worker.lines()).as("only the hellos are printed").containsExactly(Hello.MESSAGE, Hello.MESSAGE,
                    Hello.MESSAGE);
            List<String> deadLetters = jedis.lrange(KEYS.deadLetter(), 0, -1);
            assertThat(deadLetters).as("dead-letter entries").hasSize(1);
            JsonNode entry = JSON.readTree(deadLetters.get(0));
            assertThat(entry.path("reason").asText()).as("reason").isEqualTo(reason);
            assertThat(entry.path("detail").asText()).as("detail").isNotBlank();
            assertThat(entry.path("payload").asText()).as("payload kept exactly").isEqualTo(poison);
            assertThat(worker.worker.healthy()).as("worker healthy after poison").isTrue();
        }
    }

    @Test
    void controlCharactersCannotReachTheTerminal() throws Exception {
        jedis.rpush(KEYS.queue(), Hello.encode("\u001b[2J\u001b[31mred\u001b[0m\nsecond line\u202e",
                new Hello.Meta("c-1-0", 1, Hello.nowMicros())));
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("printed", 10, () -> worker.lines().size() == 1);
            assertThat(worker.lines().get(0)).as("one line, escapes visible")
                    .isEqualTo("\\u001b[2J\\u001b[31mred\\u001b[0m\\u000asecond line\\u202e")
                    .doesNotContain("\u001b");
        }
    }

    @Test
    void jobsFromAPlainJesqueClientRun() throws Exception {
        ClientImpl jesque = new ClientImpl(new ConfigBuilder().withHost(redis.host()).withPort(redis.port())
                .withDatabase(1).build());
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            jesque.enqueue("hello", new Job("PrintJob", "from Jesque"));
            await("printed", 10, () -> worker.lines().size() == 1);
            assertThat(worker.lines()).as("lines").containsExactly("from Jesque");
        } finally {
            jesque.end();
        }
    }

    /**
     * Leaves what a worker killed while holding hellos 1..count of client c-1-0 leaves behind: its
     * in-flight list, registration and last heartbeat; returns the in-flight list's key.
     */
    private String plantDeadWorker(String name, int count, long lastHeartbeatMillis) {
        List<String> orphans = TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, count);
        jedis.del(KEYS.queue());
        String inflight = KEYS.inflight(name + ".0");
        jedis.rpush(inflight, orphans.toArray(new String[0]));
        jedis.hset(KEYS.workerInflight(name), inflight, KEYS.queue());
        jedis.zadd(KEYS.workers(), lastHeartbeatMillis, name);
        return inflight;
    }

    @Test
    void orphansOfADeadWorkerRunAgainWithinSeconds() throws Exception {
        // A worker that died holding three jobs: registered, silent for a minute. It had
        // claimed the third one, so the re-run may repeat a print and is flagged.
        String dead = "dead-worker";
        String inflight = plantDeadWorker(dead, 3, System.currentTimeMillis() - 60_000);
        jedis.setbit(KEYS.audit("c-1-0", 0), AuditBits.offset(3, AuditBits.CLAIMED), true);

        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("orphans printed", 20, () -> worker.lines().size() == 3);
            assertThat(jedis.exists(inflight)).as("dead worker's in-flight list").isFalse();
            assertThat(jedis.zscore(KEYS.workers(), dead)).as("dead worker deregistered").isNull();
            Audit.Report report = new Audit(jedis, KEYS).run(0, 0);
            assertThat(report.printed()).as("printed").isEqualTo(3);
            assertThat(report.duplicates()).as("possible duplicates: the claimed one").isEqualTo(1);
            assertThat(report.lost()).as("lost").isZero();
        }
    }

    @Test
    void workersSweepingTogetherRequeueEachOrphanOnce() throws Exception {
        plantDeadWorker("dead-worker", 100, 1);
        List<String> orphans = jedis.lrange(KEYS.inflight("dead-worker.0"), 0, -1);

        LuaScript sweep = LuaScript.load(Heartbeat.class, "sweep.lua");
        String prefix = KEYS.workerInflight("X").replace("X:inflight", "");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                try (Jedis j = redis.jedis(1)) {
                    go.await();
                    @SuppressWarnings("unchecked")
                    List<Long> r = (List<Long>) sweep.run(j, List.of(KEYS.workers(), KEYS.jesqueWorkers()),
                            List.of(Long.toString(System.currentTimeMillis()), prefix, ":inflight", ""));
                    return r.get(1);
                }
            }));
        }
        go.countDown();
        long requeued = 0;
        for (Future<Long> f : results) {
            requeued += f.get();
        }
        pool.shutdown();
        assertThat(requeued).as("jobs requeued by eight concurrent sweeps").isEqualTo(100);
        assertThat(jedis.lrange(KEYS.queue(), 0, -1)).as("queue: each orphan once, in order").isEqualTo(orphans);
    }

    @Test
    void stoppingFinishesTheBatchAndLeavesNothingInFlight() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3000);
        RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_BATCH", "50");
        await("printing started", 10, () -> !worker.lines().isEmpty());
        worker.close();
        long printed = worker.lines().size();
        assertThat(inflightTotal()).as("in flight after stop").isZero();
        assertThat(jedis.zcard(KEYS.workers())).as("registered workers after stop").isZero();
        assertThat(jedis.llen(KEYS.queue()) + printed).as("queued + printed").isEqualTo(3000);
        Audit.Report report = new Audit(jedis, KEYS).run(0, 0);
        assertThat(report.printed()).as("audit printed = lines printed").isEqualTo(printed);
        assertThat(report.lost()).as("lost").isZero();
    }

    @Test
    void survivesRedisRestartsAndFreezes() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 5);
            await("before the restart", 10, () -> worker.lines().size() == 5);

            jedis.close();
            redis.restart();
            jedis = redis.jedis(1);
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 6, 10);
            await("after the restart", 30, () -> worker.lines().size() == 10);

            redis.pause();
            Thread.sleep(3000);
            redis.unpause();
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 11, 15);
            await("after the freeze", 30, () -> worker.lines().size() == 15);
            assertThat(new Audit(jedis, KEYS).run(0, 0).lost()).as("lost").isZero();
        }
    }

    @Test
    void aRedisOutOfMemoryStallsTheWorkerWithoutLosingAJob() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 50);
        // noeviction and no memory left: every write, registration included, gets an OOM error reply.
        jedis.configSet("maxmemory", "1");
        CompletableFuture<RunningWorker> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return RunningWorker.start(redis.url(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Thread.sleep(3000);
            assertThat(starting).as("the worker waits to register while Redis refuses writes").isNotDone();
            assertThat(jedis.llen(KEYS.queue())).as("nothing claimed").isEqualTo(50);
        } finally {
            jedis.configSet("maxmemory", "0");
        }
        try (RunningWorker worker = starting.get(30, TimeUnit.SECONDS)) {
            await("all printed once Redis has memory again", 20, () -> worker.lines().size() == 50);
            await("acknowledged", 5, () -> inflightTotal() == 0);
            assertThat(new Audit(jedis, KEYS).run(0, 0).lost()).as("lost").isZero();
        }
    }

    @Test
    void aWorkerRefusedWritesMidRunRetriesWithoutLosingAJob() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 5);
            await("before", 10, () -> worker.lines().size() == 5);
            jedis.configSet("maxmemory", "1");
            try {
                Thread.sleep(2000);
                assertThat(worker.worker.healthy()).as("healthy while retrying").isTrue();
            } finally {
                jedis.configSet("maxmemory", "0");
            }
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 6, 10);
            await("after", 20, () -> worker.lines().size() == 10);
            assertThat(new Audit(jedis, KEYS).run(0, 0).lost()).as("lost").isZero();
        }
    }

    @Test
    void jobsAClaimLeftInFlightWhenItsReplyWasLostArePrinted() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
        jedis.rename(KEYS.queue(), "staging");
        String inflight = KEYS.inflight("w-lost.0");
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_NAME", "w-lost",
                "HWAAS_WORKER_THREADS", "1")) {
            await("the consumer blocked in BLMOVE", 10, () -> info("clients", "blocked_clients") == 1);
            // What a claim leaves behind when Redis ran it but the reply died with the connection.
            jedis.rename("staging", inflight);
            jedis.clientKill(new ClientKillParams().type(ClientType.NORMAL).skipMe(ClientKillParams.SkipMe.YES));
            await("the stranded jobs printed", 10, () -> worker.lines().size() == 3);
            assertThat(jedis.exists(inflight)).as("the consumer's in-flight list afterwards").isFalse();
            Audit.Report report = new Audit(jedis, KEYS).run(0, 0);
            assertThat(report.printed()).as("printed").isEqualTo(3);
            assertThat(report.lost()).as("lost").isZero();
        }
    }

    @Test
    void aBlockTimeoutLongerThanTheRedisTimeoutKeepsItsConnection() throws Exception {
        // The blocking read must outlast BLMOVE's own timeout, or every idle wait ends in a reconnect.
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_REDIS_TIMEOUT", "100ms",
                "HWAAS_WORKER_BLOCK_TIMEOUT", "11s", "HWAAS_WORKER_THREADS", "1")) {
            await("the consumer blocked in BLMOVE", 10, () -> info("clients", "blocked_clients") == 1);
            long before = info("stats", "total_connections_received");
            Thread.sleep(12_000);
            assertThat(info("stats", "total_connections_received") - before)
                    .as("connections opened while idle through a whole 11 s BLMOVE").isZero();
        }
    }

    @Test
    void anIdleWorkerSendsAtMostFiveCommandsASecond() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_HEARTBEAT_INTERVAL", "1s",
                "HWAAS_WORKER_DEAD_AFTER", "4s", "HWAAS_WORKER_BLOCK_TIMEOUT", "5s")) {
            Thread.sleep(3000);
            long before = commandsProcessed();
            Thread.sleep(10_000);
            long after = commandsProcessed();
            // One INFO of ours is inside the window.
            double perSecond = (after - before - 1) / 10.0;
            System.out.printf("IDLE: %.1f Redis commands/s from an idle worker with 2 threads%n", perSecond);
            assertThat(perSecond).as("Redis commands per second from an idle worker with 2 threads").isLessThanOrEqualTo(5.0);
        }
    }

    @Test
    void deploymentsWithDifferentQueuesShareOneRedisWithoutCrosstalk() throws Exception {
        Keys alpha = new Keys("resque", "alpha");
        Keys beta = new Keys("resque", "beta");
        try (RunningWorker a = RunningWorker.start(redis.url(1), "HWAAS_QUEUE", "alpha");
                RunningWorker b = RunningWorker.start(redis.url(1), "HWAAS_QUEUE", "beta")) {
            TestHellos.enqueue(jedis, alpha, "c-1-0", 1, 5, "to alpha");
            TestHellos.enqueue(jedis, beta, "c-1-0", 1, 7, "to beta");
            await("both printed", 10, () -> a.lines().size() == 5 && b.lines().size() == 7);
            assertThat(a.lines()).as("alpha's worker").containsOnly("to alpha");
            assertThat(b.lines()).as("beta's worker").containsOnly("to beta");
            assertThat(new Audit(jedis, alpha).run(0, 0).printed()).as("alpha's audit").isEqualTo(5);
            assertThat(new Audit(jedis, beta).run(0, 0).printed()).as("beta's audit").isEqualTo(7);
        }
    }

    private long inflightTotal() {
        long total = 0;
        for (String key : jedis.keys("resque:inflight:*")) {
            total += jedis.llen(key);
        }
        return total;
    }

    private long commandsProcessed() {
        return info("stats", "total_commands_processed");
    }

    /** A numeric field of Redis' INFO. */
    private long info(String section, String field) {
        for (String line : jedis.info(section).split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no " + field + " in INFO " + section);
    }
}
