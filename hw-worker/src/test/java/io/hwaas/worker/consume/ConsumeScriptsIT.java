package io.hwaas.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** The consumer's three scripts through their codecs, each on its own against a real Redis. */
class ConsumeScriptsIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final String WORKER = "w-1";
    private static final String INFLIGHT = KEYS.inflight(Keys.consumer(WORKER, 0));
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    private static Consumer.Settings settings(int deadLetterMax, long deadLetterMaxBytes) {
        return settings(deadLetterMax, deadLetterMaxBytes, Duration.ofDays(180));
    }

    private static Consumer.Settings settings(int deadLetterMax, long deadLetterMaxBytes, Duration deadLetterMaxAge) {
        return new Consumer.Settings(3, 1 << 20, 1024, Duration.ofSeconds(1), Duration.ofHours(1), deadLetterMax,
                deadLetterMaxBytes, deadLetterMaxAge, Duration.ofSeconds(5));
    }

    /** As a consumer does on every new connection: pipelined scripts run by their SHA-1 only. */
    @BeforeEach
    void loadScripts() {
        ClaimScript.load(jedis);
        MarkScript.load(jedis);
        AckScript.load(jedis);
        WatchScript.load(jedis);
    }

    @Test
    void theWatchIsOneWorkersAtATimeUntilItExpiresOrIsGivenUp() {
        WatchScript first = new WatchScript(KEYS, "w-1", Duration.ofSeconds(30));
        WatchScript second = new WatchScript(KEYS, "w-2", Duration.ofSeconds(30));
        assertThat(first.take(jedis)).as("w-1 takes the free watch").isTrue();
        assertThat(second.take(jedis)).as("w-2, while w-1 holds it").isFalse();
        Supplier<Boolean> renewed = () -> synced(p -> first.queueRenew(p, false)::getAsBoolean);
        assertThat(renewed.get().booleanValue()).as("w-1 renews it, pipelined").isTrue();
        assertThat(jedis.pttl(KEYS.watcher())).as("the lease, renewed").isBetween(25_000L, 30_000L);
        second.giveUp(jedis);
        assertThat(jedis.get(KEYS.watcher())).as("w-2 cannot give up w-1's watch").isEqualTo("w-1");
        first.giveUp(jedis);
        assertThat(jedis.exists(KEYS.watcher())).as("given up").isFalse();
        assertThat(second.take(jedis)).as("w-2 takes it once free").isTrue();

        Supplier<Boolean> offered = () -> synced(p -> second.queueRenew(p, true)::getAsBoolean);
        assertThat(offered.get().booleanValue()).as("w-2 offers it on, and still holds it").isTrue();
        assertThat(jedis.get(KEYS.watcher())).as("the offer").isEqualTo("offer:w-2");
        assertThat(second.take(jedis)).as("w-2's own other consumer, finding w-2's offer").isTrue();
        assertThat(jedis.get(KEYS.watcher())).as("still w-2's offer").isEqualTo("offer:w-2");
        assertThat(first.take(jedis)).as("w-1 takes the offered watch").isTrue();
        assertThat(renewed.get().booleanValue()).as("w-1 renews it").isTrue();
        assertThat(offered.get().booleanValue()).as("w-2, once its offer was taken").isFalse();
        second.giveUp(jedis);
        assertThat(jedis.get(KEYS.watcher())).as("w-2 cannot give up w-1's watch").isEqualTo("w-1");

        jedis.pexpire(KEYS.watcher(), 1);
        org.awaitility.Awaitility.await("the lease expired").atMost(Duration.ofSeconds(5))
                .until(() -> !jedis.exists(KEYS.watcher()));
        assertThat(first.take(jedis)).as("w-1 takes an expired watch").isTrue();
        first.giveUp(jedis);

        jedis.del(KEYS.watcher());
        jedis.rpush(KEYS.watcher(), "not a string");
        assertThat(second.take(jedis)).as("a damaged watch key (a list) stops no watcher").isTrue();
        assertThat(jedis.type(KEYS.watcher())).as("the damaged key, left for the operator").isEqualTo("list");
    }

    private <T> T synced(java.util.function.Function<Pipeline, Supplier<T>> queued) {
        Pipeline pipeline = jedis.pipelined();
        Supplier<T> reply = queued.apply(pipeline);
        Pipelines.sync(pipeline);
        return reply.get();
    }

    @Test
    void claimTakesABatchIntoTheInflightListAndStandsInForAnOversizedPayload() {
        ClaimScript claim = new ClaimScript(KEYS, INFLIGHT, WORKER, 3, 1 << 20, 1024);
        assertThat(claim.run(jedis)).as("claim by an unregistered worker")
                .isEqualTo(new ClaimScript.Claimed(true, List.of()));
        jedis.zadd(KEYS.workers(), 1, WORKER);
        String big = "x".repeat(2000);
        jedis.rpush(KEYS.queue(), "a", big, "c", "d");

        ClaimScript.Claimed claimed = claim.run(jedis);

        assertThat(claimed.unregistered()).as("unregistered").isFalse();
        assertThat(claimed.payloads()).as("payloads, the oversized one as a placeholder").hasSize(3)
                .startsWith("a").endsWith("c");
        assertThat(ClaimScript.oversizedLength(claimed.payloads().get(1))).as("placeholder's length").isEqualTo(2000);
        assertThat(ClaimScript.oversizedLength("a")).as("a payload sent whole").isEqualTo(-1);
        assertThat(jedis.lrange(INFLIGHT, 0, -1)).as("in-flight list").containsExactly("a", big, "c");
        assertThat(jedis.lrange(KEYS.queue(), 0, -1)).as("left in the queue").containsExactly("d");
        assertThat(synced(claim::queue).payloads()).as("a pipelined claim").containsExactly("d");
    }

    @Test
    void markReportsEachHellosFlagsAsItSetsClaimed() {
        String key = KEYS.audit("c-1-0", 0);
        jedis.setbit(key, 0, true);
        jedis.setbit(key, 4, true);
        jedis.setbit(key, 5, true);
        jedis.lpush("a-list", "x");

        List<Long> flags = synced(p -> MarkScript.queue(p, Duration.ofHours(1), List.of(new MarkScript.Mark(key, 0),
                new MarkScript.Mark(key, 4), new MarkScript.Mark("a-list", 0))));

        assertThat(flags).as("submitted; submitted and claimed before; a key that is not a bitmap")
                .containsExactly(1L, 3L, -1L);
        assertThat(jedis.getbit(key, 1)).as("claimed bit set").isTrue();
        assertThat(jedis.ttl(key)).as("audit key's TTL").isPositive();
    }

    @Test
    void ackMarksPrintedFilesPoisonAndDeletesTheInflightList() throws Exception {
        String key = KEYS.audit("c-1-0", 0);
        jedis.rpush(INFLIGHT, "hello", "poison");
        AckScript ack = new AckScript(KEYS, INFLIGHT, WORKER, settings(10, 1 << 20));

        AckScript.Acked acked = synced(p -> ack.queue(p, 1, List.of(new AckScript.Printed(key, 0, true)),
                List.of(new AckScript.Poison(1, "not_json", "unexpected character"))));

        assertThat(acked).as("reply").isEqualTo(new AckScript.Acked(0, jedis.lindex(KEYS.deadLetter(), 0).length(),
                List.of()));
        assertThat(jedis.getbit(key, 2)).as("printed bit").isTrue();
        assertThat(jedis.getbit(key, 3)).as("reprinted bit").isTrue();
        assertThat(jedis.exists(INFLIGHT)).as("in-flight list").isFalse();
        assertThat(jedis.hget(KEYS.counters(), "printed")).as("the deployment's count of lines printed").isEqualTo("1");
        JsonNode entry = JSON.readTree(jedis.lindex(KEYS.deadLetter(), 0));
        assertThat(entry.get("payload").asText()).as("dead letter's payload").isEqualTo("poison");
        assertThat(entry.get("reason").asText()).as("dead letter's reason").isEqualTo("not_json");
        assertThat(entry.get("worker").asText()).as("dead letter's worker").isEqualTo(WORKER);
        assertThat(entry.get("queue").asText()).as("dead letter's queue").isEqualTo(KEYS.queue());
    }

    @Test
    void ackKeepsTheDeadLettersWithinTheirCapsDroppingTheOldest() {
        AckScript ack = new AckScript(KEYS, INFLIGHT, WORKER, settings(2, 1 << 20));
        long dropped = 0;
        for (int i = 0; i < 4; i++) {
            jedis.rpush(INFLIGHT, "poison-" + i);
            dropped += synced(p -> ack.queue(p, 0, List.of(), List.of(new AckScript.Poison(0, "not_json", "bad"))))
                    .dropped();
        }
        assertThat(dropped).as("entries dropped by the count cap").isEqualTo(2);
        assertThat(jedis.lrange(KEYS.deadLetter(), 0, -1)).as("the newest two, newest first").hasSize(2)
                .satisfiesExactly(e -> assertThat(e).contains("poison-3"), e -> assertThat(e).contains("poison-2"));
        assertThat(jedis.hget(KEYS.counters(), "deadletter_dropped")).as("dropped counter").isEqualTo("2");
    }

    @Test
    void ackDropsTheDeadLettersOlderThanTheAgeCapAndStopsAtAnEntryWithoutADate() throws Exception {
        AckScript ack = new AckScript(KEYS, INFLIGHT, WORKER, settings(10, 1 << 20, Duration.ofHours(1)));
        fileDeadLetter(ack, "poison-0");
        List<String> redisTime = jedis.time();
        long now = Long.parseLong(redisTime.get(0)) * 1000 + Long.parseLong(redisTime.get(1)) / 1000;
        appendOldest(crafted("old-a", now - Duration.ofMinutes(61).toMillis()),
                crafted("old-b", now - Duration.ofDays(400).toMillis()));

        AckScript.Acked acked = fileDeadLetter(ack, "poison-1");

        assertThat(acked.dropped()).as("the two entries older than an hour, the oldest first").isEqualTo(2);
        assertThat(payloads()).as("left, newest first").containsExactly("poison-1", "poison-0");
        assertDeadLetterBytes(acked);
        assertThat(jedis.hget(KEYS.counters(), "deadletter_dropped")).as("dropped counter").isEqualTo("2");

        String notJson = "{not json";
        String noDate = "{\"reason\":\"filed by hand\",\"failedAtMillis\":\"last year\"}";
        appendOldest(noDate, notJson, crafted("old-c", now - Duration.ofDays(400).toMillis()));
        acked = fileDeadLetter(ack, "poison-2");
        assertThat(acked.dropped()).as("the old entry at the tail; the age trim stops at the one not JSON")
                .isEqualTo(1);
        acked = fileDeadLetter(ack, "poison-3");
        assertThat(acked.dropped()).as("an entry not JSON at the tail: nothing dropped, and no error").isZero();
        assertThat(jedis.exists(INFLIGHT)).as("acknowledged all the same").isFalse();
        assertThat(jedis.lrange(KEYS.deadLetter(), 0, -1)).as("left, newest first").hasSize(6).endsWith(noDate, notJson);
        assertDeadLetterBytes(acked);

        AckScript counted = new AckScript(KEYS, INFLIGHT, WORKER, settings(4, 1 << 20, Duration.ofHours(1)));
        acked = fileDeadLetter(counted, "poison-4");
        assertThat(acked.dropped()).as("the count cap still drops entries without a date").isEqualTo(3);
        assertThat(payloads()).as("left, newest first").containsExactly("poison-4", "poison-3", "poison-2", "poison-1");
        assertDeadLetterBytes(acked);
        assertThat(jedis.hget(KEYS.counters(), "deadletter_dropped")).as("dropped counter").isEqualTo("6");
    }

    /** Files one poison payload through the script. */
    private AckScript.Acked fileDeadLetter(AckScript ack, String payload) {
        jedis.rpush(INFLIGHT, payload);
        return synced(p -> ack.queue(p, 0, List.of(), List.of(new AckScript.Poison(0, "not_json", "bad"))));
    }

    /** An entry as an older worker filed it. */
    private static String crafted(String payload, long failedAtMillis) throws Exception {
        return JSON.writeValueAsString(Map.of("reason", "not_json", "failedAtMillis", failedAtMillis,
                "length", payload.length(), "payload", payload));
    }

    /** Appends entries at the oldest end, counted in the list's bytes as the script would have. */
    private void appendOldest(String... entries) {
        for (String entry : entries) {
            jedis.rpush(KEYS.deadLetter(), entry);
            jedis.hincrBy(KEYS.counters(), "deadletter_bytes", entry.length());
        }
    }

    private List<String> payloads() throws Exception {
        List<String> payloads = new ArrayList<>();
        for (String entry : jedis.lrange(KEYS.deadLetter(), 0, -1)) {
            payloads.add(JSON.readTree(entry).get("payload").asText());
        }
        return payloads;
    }

    private void assertDeadLetterBytes(AckScript.Acked acked) {
        long held = jedis.lrange(KEYS.deadLetter(), 0, -1).stream().mapToLong(String::length).sum();
        assertThat(acked.deadLetterBytes()).as("bytes reported: those the list holds").isEqualTo(held);
        assertThat(jedis.hget(KEYS.counters(), "deadletter_bytes")).as("bytes counted").isEqualTo(Long.toString(held));
    }

    @Test
    void ackKeepsAPayloadTooLargeToKeepWholeAsItsDigestAndAPrefix() throws Exception {
        String huge = "é".repeat(DeadLetters.KEEP_WHOLE_BYTES);
        jedis.rpush(INFLIGHT, huge);
        AckScript ack = new AckScript(KEYS, INFLIGHT, WORKER, settings(10, 64 << 20));

        synced(p -> ack.queue(p, 0, List.of(), List.of(new AckScript.Poison(0, "oversized_payload", "too long"))));

        JsonNode entry = JSON.readTree(jedis.lindex(KEYS.deadLetter(), 0));
        assertThat(entry.has("payload")).as("payload kept whole").isFalse();
        assertThat(entry.get("length").asLong()).as("length in bytes").isEqualTo(2L * DeadLetters.KEEP_WHOLE_BYTES);
        assertThat(entry.get("prefix").asText()).as("prefix, whole characters only")
                .isEqualTo("é".repeat(DeadLetters.PREFIX_BYTES / 2));
        assertThat(entry.get("sha1").asText()).as("digest").hasSize(40);
    }

    @Test
    void ackReportsADeadLetterRedisRefusesAndStillClearsTheBatch() {
        jedis.set(KEYS.deadLetter(), "not a list");
        jedis.rpush(INFLIGHT, "poison");
        AckScript ack = new AckScript(KEYS, INFLIGHT, WORKER, settings(10, 1 << 20));

        AckScript.Acked acked = synced(p -> ack.queue(p, 0, List.of(),
                List.of(new AckScript.Poison(0, "not_json", "bad"))));

        assertThat(acked.refused()).as("refused entries").singleElement().satisfies(r -> {
            assertThat(r.reason()).as("reason").isEqualTo("not_json");
            assertThat(r.length()).as("length").isEqualTo(6);
            assertThat(r.error()).as("Redis' error").contains("WRONGTYPE");
        });
        assertThat(jedis.exists(INFLIGHT)).as("in-flight list").isFalse();
    }
}
