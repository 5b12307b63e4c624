package io.hwaas.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.common.testing.Command;
import io.hwaas.ops.TestOps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The audit against a real Redis: what it must count as lost, what it must call unknown, and
 * that it never says OK while a hello made is missing.
 */
class AuditIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    /** The audit of every client on record, without the pause before the recheck. */
    private Audit.Report audit() throws InterruptedException {
        return new Audit(jedis, KEYS, TestHellos.TTL).run(0, 0);
    }

    /** Records hellos {@code from..to} of {@code client} as sent and printed, as a run would leave them. */
    private void printed(String client, long from, long to) {
        Pipeline p = jedis.pipelined();
        for (long seq = from; seq <= to; seq++) {
            String key = KEYS.audit(client, AuditBits.block(seq));
            p.setbit(key, AuditBits.offset(seq, AuditBits.SUBMITTED), true);
            p.setbit(key, AuditBits.offset(seq, AuditBits.CLAIMED), true);
            p.setbit(key, AuditBits.offset(seq, AuditBits.PRINTED), true);
        }
        Pipelines.sync(p);
    }

    /** Writes a client container's record as its heartbeat does. */
    private void record(String container, String state, long ticks, long sent, long seenMillis, boolean ledger) {
        Map<String, String> fields = new HashMap<>(new ClientRecord(container, 1, 1000, 0, state, new long[] {ticks},
                new long[] {sent}, ledger).fields());
        fields.put("seen", Long.toString(seenMillis));
        jedis.hset(KEYS.clientRecord(container), fields);
    }

    private static String container(String name) {
        return ClientIds.container(ClientIds.of(name, System.currentTimeMillis(), 0));
    }

    @Test
    void everyHelloPrintedIsOk() throws Exception {
        String box = container("ok");
        printed(box + "-0", 1, 500);
        record(box, ClientRecord.STOPPED, 500, 500, TestRedis.millis(jedis), false);
        Audit.Report report = audit();
        assertThat(report.printed()).as("printed").isEqualTo(500);
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.OK);
    }

    @Test
    void aGapSpanningWholeBlocksIsCountedInFull() throws Exception {
        // An overflow of 8900 hellos: block 1 (4096..8191) has no key at all.
        String client = container("gap") + "-0";
        printed(client, 1, 100);
        printed(client, 9001, 9010);
        Audit.Report report = audit();
        assertThat(report.lostNeverSent()).as("made and never sent").isEqualTo(8900);
        assertThat(report.lostIds()).as("first lost").contains(client + ":101..9000 (never sent)");
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.LOST);
    }

    @Test
    void hellosAClientMadeAndNeverSentAreLostEvenAboveTheLastSubmitted() throws Exception {
        // The client's record says it made 120; only 100 reached Redis, and it stopped.
        String box = container("stopped");
        printed(box + "-0", 1, 100);
        record(box, ClientRecord.STOPPED, 120, 120, TestRedis.millis(jedis), false);
        Audit.Report report = audit();
        assertThat(report.lostNeverSent()).as("made and never sent").isEqualTo(20);
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.LOST);
    }

    @Test
    void hellosHeldByARunningClientAreWaitingNotLost() throws Exception {
        String box = container("live");
        printed(box + "-0", 1, 100);
        record(box, ClientRecord.RUNNING, 130, 100, TestRedis.millis(jedis), true);
        Audit.Report report = audit();
        assertThat(report.heldByClients()).as("held by the client").isEqualTo(30);
        assertThat(report.lost()).as("lost").isZero();
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.OK);
    }

    @Test
    void aClientThatVanishedWithoutStoppingIsNeverOk() throws Exception {
        // Killed while Redis was unreachable: it reported 100 made, 90 sent, a minute ago.
        String box = container("vanished");
        printed(box + "-0", 1, 90);
        record(box, ClientRecord.RUNNING, 100, 90, TestRedis.millis(jedis) - 60_000, false);
        Audit.Report report = audit();
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.UNKNOWN);
        assertThat(report.unknownContainers()).as("containers it cannot account for").isEqualTo(1);
        assertThat(report.atRisk()).as("upper bound: 10 held at its last report, and up to 60 made since")
                .isBetween(69L, 72L);
        assertThat(report.unknown()).as("why").singleElement().asString().contains(box, "vanished");
        assertThat(report.lost()).as("nothing certainly lost").isZero();
    }

    @Test
    void aClientThatStoppedHoldingHellosOnDiskIsNotYetOk() throws Exception {
        String box = container("on-disk");
        printed(box + "-0", 1, 50);
        record(box, ClientRecord.STOPPED, 60, 50, TestRedis.millis(jedis), true);
        Audit.Report report = audit();
        assertThat(report.atRisk()).as("held on disk").isEqualTo(10);
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.UNKNOWN);
    }

    @Test
    void aDeadLetteredHelloIsNeitherPrintedNorOk() throws Exception {
        String client = container("dl") + "-0";
        List<String> payloads = TestHellos.enqueue(jedis, KEYS, client, 1, 1);
        jedis.del(KEYS.queue());
        jedis.lpush(KEYS.deadLetter(), "{\"reason\":\"oversized_argument\",\"payload\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(payloads.get(0)) + "}");
        Audit.Report report = audit();
        assertThat(report.deadLetteredHellos()).as("dead-lettered hellos").isEqualTo(1);
        assertThat(report.lost()).as("lost").isZero();
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.UNKNOWN);
    }

    @Test
    void queuedHellosAreWaiting() throws Exception {
        String client = container("queued") + "-0";
        TestHellos.enqueue(jedis, KEYS, client, 1, 1000);
        Audit.Report report = audit();
        assertThat(report.queued()).as("queued").isEqualTo(1000);
        assertThat(report.waiting()).as("waiting").isEqualTo(1000);
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.OK);
    }

    @Test
    void theBenchmarksLongDayIsAHistoryTheAuditBalances() throws Exception {
        // ./hwaas bench times the audit on what bench-audit-fill leaves: that must be a history in
        // which every hello is accounted for, or the figure would time a different audit.
        Command.Result fill = TestOps.run(redis.url(1), "bench-audit-fill", "--containers", "2", "--clients", "3",
                "--seconds", "10000", "--queued", "5000");
        assertThat(fill.exit()).as("exit status: " + fill.describe()).isZero();
        Audit.Report report = audit();
        assertThat(report.clients()).as("six logical clients and the backlog's").isEqualTo(7);
        assertThat(report.submitted()).as("submitted").isEqualTo(2 * 3 * 10_000 + 5000);
        assertThat(report.printed()).as("printed").isEqualTo(2 * 3 * 10_000);
        assertThat(report.waiting()).as("waiting").isEqualTo(5000);
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.OK);
    }

    @Test
    void theCommandsExitStatusIsTheVerdict() throws Exception {
        String box = container("exit");
        printed(box + "-0", 1, 10);
        record(box, ClientRecord.STOPPED, 10, 10, TestRedis.millis(jedis), false);
        Command.Result ok = TestOps.run(redis.url(1), "audit");
        assertThat(ok.exit()).as("OK: " + ok.describe()).isZero();
        assertThat(ok.out()).as("the table").contains("printed", "10", "OK: no hello lost.");

        record(box, ClientRecord.STOPPED, 15, 10, TestRedis.millis(jedis), true);
        Command.Result unknown = TestOps.run(redis.url(1), "audit", "--json");
        assertThat(unknown.exit()).as("made 15, held 5 on disk: " + unknown.describe()).isEqualTo(4);
        assertThat(unknown.out()).as("the JSON").contains("\"verdict\":\"UNKNOWN\"", "\"atRisk\":5");

        record(box, ClientRecord.STOPPED, 15, 15, TestRedis.millis(jedis), false);
        Command.Result lost = TestOps.run(redis.url(1), "audit", "--since", "1h");
        assertThat(lost.exit()).as("made 15, printed 10, no ledger: " + lost.describe()).isEqualTo(1);
        assertThat(lost.out()).as("the table").contains("clients started in the last 1h", "LOST HELLOS");
    }

    @Test
    void keysOfTheWrongTypeWhereJobsShouldBeAreUnknownNeverOkNorAFailure() throws Exception {
        String box = container("junk");
        printed(box + "-0", 1, 10);
        record(box, ClientRecord.STOPPED, 10, 10, TestRedis.millis(jedis), false);
        String junk = KEYS.inflight(Keys.consumer("junk-worker", 0));
        jedis.hset(junk, "not", "a list");
        jedis.set(KEYS.queue(), "not a list");

        Command.Result result = TestOps.run(redis.url(1), "audit");
        assertThat(result.exit()).as("exit status, UNKNOWN: " + result.describe()).isEqualTo(4);
        assertThat(result.out()).as("the table names each key and why").contains(
                junk + ": a hash where a list of jobs should be", KEYS.queue() + ": a string where", "UNKNOWN");
        Audit.Report report = audit();
        assertThat(report.printed()).as("printed, read all the same").isEqualTo(10);
        assertThat(report.lost()).as("lost").isZero();
        assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.UNKNOWN);
    }
}
