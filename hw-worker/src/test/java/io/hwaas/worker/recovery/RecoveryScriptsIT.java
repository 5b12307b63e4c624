package io.hwaas.worker.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The recovery scripts through their codecs, each on its own against a real Redis. */
class RecoveryScriptsIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final Duration DEAD_AFTER = Duration.ofSeconds(4);
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    private static String inflight(String worker) {
        return KEYS.inflight(Keys.consumer(worker, 0));
    }

    @Test
    void aBeatRegistersTheWorkerOnceAndPublishesItsFiguresWhenGiven() {
        BeatScript beat = new BeatScript(KEYS, "w-1", DEAD_AFTER, List.of(inflight("w-1")));

        BeatScript.Beat first = beat.run(jedis, "{\"printed\":1}");
        BeatScript.Beat second = beat.run(jedis, null);

        assertThat(first.registeredBefore()).as("registered before the first beat").isFalse();
        assertThat(second.registeredBefore()).as("registered before the second beat").isTrue();
        assertThat(second.redisMillis()).as("Redis' time").isEqualTo(Double.valueOf(
                jedis.zscore(KEYS.workers(), "w-1")).longValue());
        assertThat(second.pastDeadAfter()).as("workers past dead-after").isZero();
        assertThat(jedis.hgetAll(KEYS.workerInflight("w-1"))).as("registration")
                .containsEntry(inflight("w-1"), KEYS.queue());
        assertThat(jedis.get(KEYS.workerStats("w-1"))).as("figures kept from the first beat").isEqualTo("{\"printed\":1}");
        assertThat(jedis.sismember(KEYS.jesqueWorkers(), "w-1")).as("in Jesque's workers").isTrue();
    }

    @Test
    void aSweepReturnsADeadWorkersJobsAndNamesIt() {
        BeatScript beat = new BeatScript(KEYS, "dead", DEAD_AFTER, List.of(inflight("dead")));
        beat.run(jedis, null);
        // Its last beat long ago on Redis' clock.
        jedis.zadd(KEYS.workers(), 1, "dead");
        jedis.rpush(inflight("dead"), "a", "b");
        jedis.rpush(KEYS.queue(), "c");
        new BeatScript(KEYS, "alive", DEAD_AFTER, List.of(inflight("alive"))).run(jedis, null);

        SweepScript.Swept swept = new SweepScript(KEYS, DEAD_AFTER).dead(jedis);

        assertThat(swept).as("swept").isEqualTo(new SweepScript.Swept(2, List.of("dead"), List.of()));
        assertThat(jedis.lrange(KEYS.queue(), 0, -1)).as("queue: recovered jobs first, in order")
                .containsExactly("a", "b", "c");
        assertThat(jedis.zscore(KEYS.workers(), "alive")).as("a live worker stays").isNotNull();
        assertThat(new SweepScript(KEYS, DEAD_AFTER).dead(jedis)).as("a second sweep")
                .isEqualTo(new SweepScript.Swept(0, List.of(), List.of()));
    }

    @Test
    void retiringHandsBackALiveWorkersOwnLeftovers() {
        new BeatScript(KEYS, "w-1", DEAD_AFTER, List.of(inflight("w-1"))).run(jedis, null);
        jedis.rpush(inflight("w-1"), "a");

        assertThat(new SweepScript(KEYS, DEAD_AFTER).retire(jedis, "w-1")).as("retired")
                .isEqualTo(new SweepScript.Swept(1, List.of("w-1"), List.of()));
        assertThat(jedis.zscore(KEYS.workers(), "w-1")).as("registration").isNull();
        assertThat(jedis.lrange(KEYS.queue(), 0, -1)).as("queue").containsExactly("a");
    }

    @Test
    void requeueReturnsAListOnlyWhenItsOwnerIsNotAlive() {
        RequeueScript requeue = new RequeueScript(KEYS, DEAD_AFTER);
        new BeatScript(KEYS, "alive", DEAD_AFTER, List.of()).run(jedis, null);
        jedis.rpush(inflight("alive"), "a");
        jedis.rpush(inflight("gone"), "b", "c");

        assertThat(requeue.run(jedis, inflight("alive"), "alive").jobs()).as("jobs of a live owner requeued").isZero();
        assertThat(requeue.run(jedis, inflight("gone"), "gone")).as("jobs of a gone owner requeued")
                .isEqualTo(new RequeueScript.Requeued(2, null));
        assertThat(jedis.lrange(KEYS.queue(), 0, -1)).as("queue").containsExactly("b", "c");
    }

    @Test
    void keysOfTheWrongTypeAreLeftAndNamedAndTheRestIsRecovered() {
        // Dead workers silent since 1 and 2 (on Redis' clock): the sweep meets the malformed ones first.
        jedis.set(KEYS.workerInflight("not-a-hash"), "x");
        jedis.zadd(KEYS.workers(), 1, "not-a-hash");
        jedis.set(inflight("not-a-list"), "x");
        jedis.hset(KEYS.workerInflight("not-a-list"), inflight("not-a-list"), KEYS.queue());
        jedis.zadd(KEYS.workers(), 1, "not-a-list");
        jedis.rpush(inflight("dead"), "a", "b");
        jedis.hset(KEYS.workerInflight("dead"), inflight("dead"), KEYS.queue());
        jedis.zadd(KEYS.workers(), 2, "dead");

        SweepScript.Swept swept = new SweepScript(KEYS, DEAD_AFTER).dead(jedis);

        assertThat(swept.jobs()).as("jobs recovered").isEqualTo(2);
        assertThat(swept.removed()).as("workers removed").containsExactlyInAnyOrder("not-a-hash", "not-a-list", "dead");
        assertThat(swept.wrongType()).as("keys left for their type")
                .containsExactlyInAnyOrder(KEYS.workerInflight("not-a-hash"), inflight("not-a-list"));
        assertThat(jedis.get(inflight("not-a-list"))).as("the wrong-typed list, left as it was").isEqualTo("x");
        assertThat(jedis.lrange(KEYS.queue(), 0, -1)).as("queue").containsExactly("a", "b");

        RequeueScript requeue = new RequeueScript(KEYS, DEAD_AFTER);
        assertThat(requeue.run(jedis, inflight("not-a-list"), "not-a-list")).as("the scan meeting it")
                .isEqualTo(new RequeueScript.Requeued(0, inflight("not-a-list")));
        jedis.rpush(inflight("gone"), "c");
        jedis.del(KEYS.queue());
        jedis.sadd(KEYS.queue(), "not a list");
        assertThat(requeue.run(jedis, inflight("gone"), "gone")).as("a queue of the wrong type")
                .isEqualTo(new RequeueScript.Requeued(0, KEYS.queue()));
        assertThat(jedis.lrange(inflight("gone"), 0, -1)).as("the jobs stay where they are").containsExactly("c");
    }
}
