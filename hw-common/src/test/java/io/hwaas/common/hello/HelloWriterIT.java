package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.testing.ManualClock;
import io.hwaas.common.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** The hello's writes against a real Redis, and the audit TTL that must cover every pending hello. */
class HelloWriterIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final Duration TTL = Duration.ofHours(8);
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();

    private final ManualClock clock = new ManualClock();

    private void write(Jedis jedis, HelloWriter writer, long seq) {
        Pipeline p = jedis.pipelined();
        writer.write(p, seq);
        Pipelines.sync(p);
    }

    @Test
    void aHelloIsItsSubmittedBitAndAJesqueJob() {
        try (Jedis jedis = redis.jedis(1)) {
            HelloWriter writer = new HelloWriter(KEYS, "c-1-0", TTL, clock);
            write(jedis, writer, 1);
            assertThat(jedis.getbit(KEYS.audit("c-1-0", 0), AuditBits.offset(1, AuditBits.SUBMITTED)))
                    .as("submitted bit").isTrue();
            assertThat(jedis.lrange(KEYS.queue(), 0, -1)).as("queue").hasSize(1)
                    .allSatisfy(p -> assertThat(p).startsWith("{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"]"));
            assertThat(jedis.ttl(KEYS.audit("c-1-0", 0))).as("the block's TTL").isBetween(TTL.toSeconds() - 5, TTL.toSeconds());
        }
    }

    @Test
    void aBlockWrittenToForLongerThanItsTtlNeverExpiresMidBlock() {
        try (Jedis jedis = redis.jedis(1)) {
            HelloWriter writer = new HelloWriter(KEYS, "slow-1-0", TTL, clock);
            String key = KEYS.audit("slow-1-0", 0);
            write(jedis, writer, 1);
            // Hours pass between hellos (a slow client): the TTL left runs down...
            jedis.expire(key, 60);
            clock.advance(Duration.ofMinutes(30));
            write(jedis, writer, 2);
            assertThat(jedis.ttl(key)).as("left alone within an eighth of the TTL").isLessThanOrEqualTo(60);
            // ...and is set afresh once an eighth of it has passed since it was last set.
            clock.advance(Duration.ofMinutes(31));
            write(jedis, writer, 3);
            assertThat(jedis.ttl(key)).as("refreshed").isGreaterThan(TTL.toSeconds() - 5);
        }
    }

    @Test
    void afterAReconnectTheTtlIsSetAgain() {
        try (Jedis jedis = redis.jedis(1)) {
            HelloWriter writer = new HelloWriter(KEYS, "re-1-0", TTL, clock);
            String key = KEYS.audit("re-1-0", 0);
            write(jedis, writer, 1);
            jedis.persist(key);
            writer.forgetExpiry();
            write(jedis, writer, 2);
            assertThat(jedis.ttl(key)).as("TTL after a reconnect").isPositive();
        }
    }
}
