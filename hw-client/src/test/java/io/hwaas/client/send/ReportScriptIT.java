package io.hwaas.client.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The client's report script through its codec, against a real Redis. */
class ReportScriptIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    private static ClientRecord record(String state) {
        return new ClientRecord("c-1", 2, 1000, 0, state, new long[] {5, 6}, new long[] {4, 6}, true);
    }

    @Test
    void aRunningContainerIsListedWithItsRecordStampedOnRedisClock() {
        long now = ReportScript.run(jedis, KEYS, "c-1:2", Duration.ofHours(1), record(ClientRecord.RUNNING));

        assertThat(jedis.zscore(KEYS.clients(), "c-1:2")).as("score in the live set").isEqualTo((double) now);
        ClientRecord read = ClientRecord.parse("c-1", jedis.hgetAll(KEYS.clientRecord("c-1")));
        assertThat(read.seenMillis()).as("seen").isEqualTo(now);
        assertThat(read.ticks()).as("ticks").containsExactly(5, 6);
        assertThat(read.sent()).as("sent").containsExactly(4, 6);
        assertThat(jedis.ttl(KEYS.clientRecord("c-1"))).as("record's TTL").isBetween(3590L, 3600L);
    }

    @Test
    void aStoppedContainerLeavesTheLiveSetAndKeepsItsRecord() {
        ReportScript.run(jedis, KEYS, "c-1:2", Duration.ofHours(1), record(ClientRecord.RUNNING));
        ReportScript.run(jedis, KEYS, "c-1:2", Duration.ofHours(1), record(ClientRecord.STOPPED));

        assertThat(jedis.zscore(KEYS.clients(), "c-1:2")).as("score in the live set").isNull();
        assertThat(jedis.hget(KEYS.clientRecord("c-1"), "state")).as("state").isEqualTo(ClientRecord.STOPPED);
    }
}
