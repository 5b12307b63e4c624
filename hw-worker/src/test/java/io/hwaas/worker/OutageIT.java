package io.hwaas.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The worker when Redis restarts, freezes, fills up, or keeps dropping one consumer's connection. */
class OutageIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    @Test
    void survivesRedisRestartsAndFreezes() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 5);
            await("before the restart").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 5);

            redis.restart();
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 6, 10);
            await("after the restart").atMost(Duration.ofSeconds(30)).until(() -> worker.lines().size() == 10);

            redis.pause();
            // The freeze itself is the event under test: shorter than the staleness limit, it must
            // not make the worker unhealthy (a probe would restart it for nothing).
            await("healthy throughout a 3 s freeze").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(worker.worker::healthy);
            redis.unpause();
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 11, 15);
            await("after the freeze").atMost(Duration.ofSeconds(30)).until(() -> worker.lines().size() == 15);
            assertThat(Audits.of(jedis, KEYS).lost()).as("lost").isZero();
        }
    }

    @Test
    void aFullRedisIsDrainedByAWorkerStartedOnIt() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 50);
        // noeviction and no memory left: Redis refuses every ordinary write. Draining must still work.
        jedis.configSet("maxmemory", "1");
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("all printed while Redis is full").atMost(Duration.ofSeconds(20)).until(() -> worker.lines().size() == 50);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> redis.inflight(KEYS, 1) == 0);
            assertThat(jedis.llen(KEYS.queue())).as("queue").isZero();
            assertThat(worker.worker.healthy()).as("healthy while Redis is full").isTrue();
        } finally {
            jedis.configSet("maxmemory", "0");
        }
        assertThat(Audits.of(jedis, KEYS).lost()).as("lost").isZero();
    }

    @Test
    void aWorkerRefusedWritesMidRunRetriesWithoutLosingAJob() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 5);
            await("before").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 5);
            jedis.configSet("maxmemory", "1");
            try {
                // Long enough for idle consumers to hit the refusal.
                await("healthy while Redis is full").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                        .until(worker.worker::healthy);
            } finally {
                jedis.configSet("maxmemory", "0");
            }
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 6, 10);
            await("after").atMost(Duration.ofSeconds(20)).until(() -> worker.lines().size() == 10);
            assertThat(Audits.of(jedis, KEYS).lost()).as("lost").isZero();
        }
    }

    @Test
    void aConsumerThatCannotProgressWhileRedisIsReachableTurnsUnhealthy() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_THREADS", "1",
                "HWAAS_REDIS_TIMEOUT", "500ms")) {
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
            await("printing").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 3);
            // Redis drops the consumer's connection on every attempt, as it does a request it
            // refuses to parse; the heartbeat's connection keeps working.
            try (Jedis control = redis.jedis(0)) {
                ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
                killer.scheduleWithFixedDelay(() -> {
                    try {
                        for (String client : control.clientList().split("\n")) {
                            if (client.contains("name=" + worker.name() + ".consumer-0")) {
                                control.clientKill(client.replaceAll(".* addr=(\\S+).*", "$1"));
                            }
                        }
                    } catch (RuntimeException e) {
                        // A client gone between list and kill: nothing to do.
                    }
                }, 0, 20, TimeUnit.MILLISECONDS);
                try {
                    TestHellos.enqueue(jedis, KEYS, "c-1-0", 4, 6);
                    // (1 s block + 0.5 s timeout) x 2 + 10 s without progress makes the worker stale.
                    await("unhealthy while its consumer cannot progress").atMost(Duration.ofSeconds(25))
                            .until(() -> !worker.worker.healthy());
                } finally {
                    killer.shutdownNow();
                    killer.awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            await("healthy again once it can").atMost(Duration.ofSeconds(20)).until(() -> worker.worker.healthy());
            await("the held back hellos printed").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 6);
        }
    }
}
