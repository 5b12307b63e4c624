package io.hwaas.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Client records that lie (corrupted, or written by a hostile client): an absurd count of hellos
 * made, too few logical clients. The audit must neither walk for ever, nor crash, nor say OK.
 */
class AuditBoundIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    /** Hellos 1..{@code to} of {@code client}, sent and printed. */
    private void printed(String client, long to) {
        Pipeline p = jedis.pipelined();
        for (long seq = 1; seq <= to; seq++) {
            String key = KEYS.audit(client, AuditBits.block(seq));
            p.setbit(key, AuditBits.offset(seq, AuditBits.SUBMITTED), true);
            p.setbit(key, AuditBits.offset(seq, AuditBits.CLAIMED), true);
            p.setbit(key, AuditBits.offset(seq, AuditBits.PRINTED), true);
        }
        Pipelines.sync(p);
    }

    /** The record of a stopped container of one logical client that claims {@code ticks} hellos made and sent. */
    private void stopped(String container, long ticks) {
        Map<String, String> fields = new HashMap<>(new ClientRecord(container, 1, 1000, 0, ClientRecord.STOPPED,
                new long[] {ticks}, new long[] {ticks}, false).fields());
        fields.put("seen", Long.toString(TestRedis.millis(jedis)));
        jedis.hset(KEYS.clientRecord(container), fields);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anAbsurdCountOfHellosMadeIsBoundedAndUnknown() throws Exception {
        String container = ClientIds.container(ClientIds.of("absurd", System.currentTimeMillis() - 60_000, 0));
        String client = container + "-0";
        printed(client, 60);
        long absurd = 1_000_000_000_000L;
        stopped(container, absurd);

        long start = System.nanoTime();
        Audit.Report report = new Audit(jedis, KEYS, TestHellos.TTL).run(0, 0);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("audit time: 60 hellos, not 10^12").isLessThan(Duration.ofSeconds(30));
        assertThat(report.unknown()).as("the reason").anySatisfy(reason -> assertThat(reason)
                .contains(client).contains("claims " + absurd));
        assertThat(report.verdict()).as("verdict: not OK, and nothing shown lost").isEqualTo(Audit.Verdict.UNKNOWN);
        assertThat(report.lost()).as("lost").isZero();
        assertThat(report.printed()).as("printed").isEqualTo(60);
    }

    @Test
    void aRecordListingFewerClientsThanAnIdsIndexIsABadRecordNotACrash() throws Exception {
        // A hostile record of one logical client that made nothing, beside the hellos of its client 3.
        String container = ClientIds.container(ClientIds.of("fewer", System.currentTimeMillis() - 60_000, 0));
        String client = container + "-3";
        printed(client, 10);
        stopped(container, 0);

        Audit.Report report = new Audit(jedis, KEYS, TestHellos.TTL).run(0, 0);

        assertThat(report.unknown()).as("the record named, and why").anySatisfy(reason -> assertThat(reason)
                .contains(KEYS.clientRecord(container), client, "lists 1 logical client"));
        assertThat(report.verdict()).as("verdict: a bad record is never OK").isEqualTo(Audit.Verdict.UNKNOWN);
        assertThat(report.printed()).as("the client's hellos, audited all the same").isEqualTo(10);
        assertThat(report.lost()).as("lost").isZero();
    }
}
