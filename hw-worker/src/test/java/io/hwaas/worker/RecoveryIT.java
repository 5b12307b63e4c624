package io.hwaas.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.ops.audit.Audit;
import io.hwaas.worker.recovery.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Getting jobs printed whatever happens to the workers holding them, judged on Redis' clock. */
class RecoveryIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    /**
     * Leaves what a worker killed while holding hellos 1..count of client c-1-0 leaves behind: its
     * in-flight list, registration and last heartbeat; returns the in-flight list's key.
     */
    private String plantDeadWorker(String name, int count, long lastHeartbeatMillis) {
        List<String> orphans = TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, count);
        jedis.del(KEYS.queue());
        String inflight = KEYS.inflight(Keys.consumer(name, 0));
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
        String inflight = plantDeadWorker(dead, 3, TestRedis.millis(jedis) - 60_000);
        jedis.setbit(KEYS.audit("c-1-0", 0), AuditBits.offset(3, AuditBits.CLAIMED), true);

        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("orphans printed").atMost(Duration.ofSeconds(20)).until(() -> worker.lines().size() == 3);
            assertThat(jedis.exists(inflight)).as("dead worker's in-flight list").isFalse();
            assertThat(jedis.zscore(KEYS.workers(), dead)).as("dead worker deregistered").isNull();
            Audit.Report report = Audits.of(jedis, KEYS);
            assertThat(report.printed()).as("printed").isEqualTo(3);
            assertThat(report.duplicates()).as("possible duplicates: the claimed one").isEqualTo(1);
            assertThat(report.lost()).as("lost").isZero();
        }
    }

    @Test
    void workersSweepingTogetherRequeueEachOrphanOnce() throws Exception {
        plantDeadWorker("dead-worker", 100, 1);
        List<String> orphans = jedis.lrange(KEYS.inflight(Keys.consumer("dead-worker", 0)), 0, -1);

        LuaScript sweep = LuaScript.load(Heartbeat.class, "sweep.lua");
        String[] registration = KEYS.workerInflightParts();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                try (Jedis j = redis.jedis(1)) {
                    go.await();
                    @SuppressWarnings("unchecked")
                    List<Object> r = (List<Object>) sweep.run(j, List.of(KEYS.workers(), KEYS.jesqueWorkers()),
                            List.of("4000", registration[0], registration[1], ""));
                    return (Long) r.get(0);
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
    void aListNoRegistrationNamesIsRecoveredOnceItsOwnerIsGone() throws Exception {
        // A job a blocked move handed to a worker after peers had swept it, before it could register again.
        List<String> orphans = TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 2);
        jedis.del(KEYS.queue());
        String stranded = KEYS.inflight(Keys.consumer("swept-then-killed", 1));
        jedis.rpush(stranded, orphans.toArray(new String[0]));
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("the stranded jobs printed").atMost(Duration.ofSeconds(20)).until(() -> worker.lines().size() == 2);
            assertThat(jedis.exists(stranded)).as("the stranded list").isFalse();
            assertThat(worker.metrics().recoveredTotal()).as("recovered counter").isEqualTo(2);
        }
    }

    @Test
    void aKeyOfTheWrongTypeStopsNoRecovery() throws Exception {
        // A dead worker whose registration names a key that is not a list (something else wrote it),
        // silent longest so the sweep meets it first; behind it a dead worker holding two hellos, and a
        // list no registration names holding two more, which only the scan finds.
        String junk = KEYS.inflight(Keys.consumer("junk-worker", 0));
        jedis.set(junk, "not a list");
        jedis.hset(KEYS.workerInflight("junk-worker"), junk, KEYS.queue());
        jedis.zadd(KEYS.workers(), 1, "junk-worker");
        String inflight = plantDeadWorker("dead-worker", 2, TestRedis.millis(jedis) - 60_000);
        List<String> orphans = TestHellos.enqueue(jedis, KEYS, "c-1-0", 3, 4);
        jedis.del(KEYS.queue());
        String stranded = KEYS.inflight(Keys.consumer("swept-then-killed", 1));
        jedis.rpush(stranded, orphans.toArray(new String[0]));

        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("every hello printed").atMost(Duration.ofSeconds(20)).until(() -> worker.lines().size() == 4);
            assertThat(jedis.exists(inflight, stranded)).as("recovered lists left").isZero();
            assertThat(jedis.get(junk)).as("the wrong-typed key, left as it was").isEqualTo("not a list");
            assertThat(worker.worker.healthy()).as("worker healthy").isTrue();
            Audit.Report report = Audits.of(jedis, KEYS);
            assertThat(report.printed()).as("printed").isEqualTo(4);
            assertThat(report.verdict()).as("verdict: a key it cannot read may hold hellos")
                    .isEqualTo(Audit.Verdict.UNKNOWN);
            assertThat(report.unknown()).as("why").anyMatch(reason -> reason.startsWith(junk + ": a string"));
        }
    }

    @Test
    void aWorkerDeclaredDeadRegistersAgainAtOnceAndLosesNothing() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_THREADS", "1")) {
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 5);
            await("printing").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 5);
            // What a sweep by a peer does to a worker it judged dead.
            jedis.zrem(KEYS.workers(), worker.name());
            jedis.del(KEYS.workerInflight(worker.name()));
            await("registered again, lists and all").atMost(Duration.ofSeconds(5))
                    .until(() -> jedis.zscore(KEYS.workers(), worker.name()) != null
                            && jedis.hexists(KEYS.workerInflight(worker.name()), KEYS.inflight(Keys.consumer(worker.name(), 0))));
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 6, 10);
            await("printing again").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 10);
            assertThat(Audits.of(jedis, KEYS).lost()).as("lost").isZero();
        }
    }

    @Test
    void anUnregisteredWorkerClaimsNoBatch() throws Exception {
        // Heartbeats far apart, so that the worker stays swept for a while.
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_HEARTBEAT_INTERVAL", "5s",
                "HWAAS_WORKER_DEAD_AFTER", "20s", "HWAAS_WORKER_THREADS", "1")) {
            await("idle, blocked in BLMOVE").atMost(Duration.ofSeconds(10))
                    .until(() -> TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            jedis.zrem(KEYS.workers(), worker.name());
            jedis.del(KEYS.workerInflight(worker.name()));
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
            // The move that was already blocked hands over the first hello; batch claims then check
            // registration, so nothing more may be claimed until the heartbeat registers it again.
            await("the blocked move takes the first hello").atMost(Duration.ofSeconds(5))
                    .until(() -> jedis.llen(KEYS.queue()) == 2);
            await("nothing more claimed while the worker is not registered").during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(3)).until(() -> jedis.llen(KEYS.queue()) == 2);
            await("claimed once the heartbeat registered it again").atMost(Duration.ofSeconds(10))
                    .until(() -> worker.lines().size() == 3);
        }
    }

    @Test
    void aWorkerWhoseClockIsAheadDeclaresNoLivePeerDead() throws Exception {
        try (RunningWorker honest = RunningWorker.start(redis.url(1));
                RunningWorker skewed = RunningWorker.start(redis.url(1), "HWAAS_CLOCK_OFFSET", "10s")) {
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 20);
            await("printed").atMost(Duration.ofSeconds(10))
                    .until(() -> honest.lines().size() + skewed.lines().size() == 20);
            // Long enough for several sweeps by each (dead-after is 1 s in these tests).
            await("no job recovered from a live worker, and the honest one still registered")
                    .during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                    .until(() -> honest.metrics().recoveredTotal() + skewed.metrics().recoveredTotal() == 0
                            && jedis.zscore(KEYS.workers(), honest.name()) != null);
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 21, 40);
            await("still printing").atMost(Duration.ofSeconds(10))
                    .until(() -> honest.lines().size() + skewed.lines().size() == 40);
            assertThat(Audits.of(jedis, KEYS).duplicates()).as("duplicates").isZero();
        }
    }

    @Test
    void stoppingFinishesTheBatchAndLeavesNothingInFlight() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3000);
        RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_BATCH", "50");
        await("printing started").atMost(Duration.ofSeconds(10)).until(() -> !worker.lines().isEmpty());
        worker.close();
        long printed = worker.lines().size();
        assertThat(redis.inflight(KEYS, 1)).as("in flight after stop").isZero();
        assertThat(jedis.zcard(KEYS.workers())).as("registered workers after stop").isZero();
        assertThat(jedis.llen(KEYS.queue()) + printed).as("queued + printed").isEqualTo(3000);
        Audit.Report report = Audits.of(jedis, KEYS);
        assertThat(report.printed()).as("audit printed = lines printed").isEqualTo(printed);
        assertThat(report.lost()).as("lost").isZero();
    }
}
