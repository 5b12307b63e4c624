package io.hwaas.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.ops.audit.Audit;
import io.hwaas.worker.consume.DeadLetters;
import io.hwaas.worker.job.Decoded;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.greghaines.jesque.ConfigBuilder;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.client.ClientImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/** The consumer against a real Redis: printing, deduplication, poison of any size, pickup, idle cost. */
class ConsumeIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    private long inflight() {
        return redis.inflight(KEYS, 1);
    }

    @Test
    void printsEveryHelloOnceAndAcknowledgesIt() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 250);
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("250 lines").atMost(Duration.ofSeconds(20)).until(() -> worker.lines().size() >= 250);
            assertThat(worker.lines()).as("printed lines").hasSize(250).containsOnly(Hello.MESSAGE);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> inflight() == 0);
            Audit.Report report = Audits.of(jedis, KEYS);
            assertThat(report.submitted()).as("submitted per audit").isEqualTo(250);
            assertThat(report.printed()).as("printed per audit").isEqualTo(250);
            assertThat(report.lost()).as("lost per audit").isZero();
            assertThat(report.duplicates()).as("duplicates per audit").isZero();
            assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.OK);
            assertThat(worker.metrics().printedTotal()).as("printed counter").isEqualTo(250);
        }
    }

    @Test
    void aWorkerOfManyConsumersStopsCleanly() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 100);
        RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_THREADS", "8");
        try {
            await("100 lines").atMost(Duration.ofSeconds(20)).until(() -> worker.lines().size() >= 100);
        } finally {
            assertThatCode(worker::close).as("stopping eight consumers that share one turn to watch")
                    .doesNotThrowAnyException();
        }
        assertThat(worker.lines()).as("printed lines").hasSize(100);
        assertThat(inflight()).as("in flight after the stop").isZero();
    }

    @Test
    void aHelloEnqueuedTwiceIsPrintedOnce() throws Exception {
        String payload = TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 1).get(0);
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("first copy printed").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 1);
            jedis.rpush(KEYS.queue(), payload, payload);
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 2, 2);
            await("second hello printed").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() >= 2);
            await("queue drained").atMost(Duration.ofSeconds(10))
                    .until(() -> jedis.llen(KEYS.queue()) == 0 && inflight() == 0);
            assertThat(worker.lines()).as("lines: the re-sent copies are skipped").hasSize(2);
            assertThat(Audits.of(jedis, KEYS).duplicates()).as("duplicates").isZero();
        }
    }

    @Test
    void twoCopiesOfAHelloInOneBatchPrintOnceAndAreNoDuplicate() throws Exception {
        // A client re-sends what it could not confirm; both copies may wait in the queue together.
        String payload = TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 1).get(0);
        jedis.rpush(KEYS.queue(), payload);
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 2, 2);
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_THREADS", "1")) {
            await("drained").atMost(Duration.ofSeconds(10)).until(() -> jedis.llen(KEYS.queue()) == 0 && inflight() == 0);
            assertThat(worker.lines()).as("lines").hasSize(2);
            assertThat(Audits.of(jedis, KEYS).duplicates()).as("duplicates").isZero();
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
            await("the hellos behind the poison printed").atMost(Duration.ofSeconds(10))
                    .until(() -> worker.lines().size() >= 3);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> inflight() == 0);
            assertThat(worker.lines()).as("only the hellos are printed").containsExactly(Hello.MESSAGE, Hello.MESSAGE,
                    Hello.MESSAGE);
            List<String> deadLetters = jedis.lrange(KEYS.deadLetter(), 0, -1);
            assertThat(deadLetters).as("dead-letter entries").hasSize(1);
            JsonNode entry = JSON.readTree(deadLetters.get(0));
            assertThat(entry.path("reason").asText()).as("reason").isEqualTo(reason);
            assertThat(entry.path("detail").asText()).as("detail").isNotBlank();
            assertThat(entry.path("queue").asText()).as("queue").isEqualTo(KEYS.queue());
            assertThat(entry.path("worker").asText()).as("worker").isEqualTo(worker.name());
            assertThat(entry.path("failedAtMillis").asLong()).as("failedAtMillis, Redis' clock")
                    .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
            assertThat(entry.path("length").asLong()).as("length in bytes").isEqualTo(poison.length());
            assertThat(entry.path("payload").asText()).as("payload kept exactly").isEqualTo(poison);
            assertThat(worker.worker.healthy()).as("worker healthy after poison").isTrue();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {300_000, 900_000})
    void poisonOfControlCharactersTooLargeToKeepWholeStallsNothing(int size) throws Exception {
        // Escaped as JSON, every character grows to six bytes: a whole copy would pass Redis' 1 MB limit.
        String poison = "\u0001\u001b".repeat(size / 2);
        jedis.rpush(KEYS.queue(), poison);
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("the hellos behind the poison printed").atMost(Duration.ofSeconds(5))
                    .until(() -> worker.lines().size() >= 3);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> inflight() == 0);
            JsonNode entry = JSON.readTree(jedis.lindex(KEYS.deadLetter(), 0));
            assertThat(entry.path("reason").asText()).as("reason").isEqualTo("oversized_payload");
            assertThat(entry.has("payload")).as("too large to keep whole").isFalse();
            assertThat(entry.path("length").asLong()).as("length").isEqualTo(size);
            assertThat(entry.path("sha1").asText()).as("SHA-1 of the payload")
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(poison.getBytes())));
            assertThat(entry.path("prefix").asText()).as("its first bytes")
                    .isEqualTo(poison.substring(0, DeadLetters.PREFIX_BYTES));
            assertThat(jedis.lindex(KEYS.deadLetter(), 0).length()).as("entry size, bounded")
                    .isLessThan(DeadLetters.KEEP_WHOLE_BYTES);
            assertThat(worker.worker.healthy()).as("worker healthy").isTrue();
        }
    }

    @Test
    void aPoisonOfTheLargestAllowedSizeWhoseReasonRepeatsItStallsNothing() throws Exception {
        // 1 MiB, the largest HWAAS_MAX_PAYLOAD_BYTES allows, nearly all of it a class name the reason
        // repeats: a detail kept whole would pass Redis' 1 MB argument limit and be refused for ever.
        String head = "{\"class\":\"";
        String tail = "\",\"args\":[\"x\"]}";
        String poison = head + "N".repeat((1 << 20) - head.length() - tail.length()) + tail;
        jedis.rpush(KEYS.queue(), poison);
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_MAX_PAYLOAD_BYTES", "1048576")) {
            await("the hellos behind the poison printed").atMost(Duration.ofSeconds(10))
                    .until(() -> worker.lines().size() >= 3);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> inflight() == 0);
            JsonNode entry = JSON.readTree(jedis.lindex(KEYS.deadLetter(), 0));
            assertThat(entry.path("reason").asText()).as("reason").isEqualTo("unknown_job");
            assertThat(entry.path("length").asLong()).as("length").isEqualTo(1 << 20);
            assertThat(entry.path("detail").asText()).as("detail, bounded").endsWith(" characters in all)")
                    .hasSizeLessThanOrEqualTo(Decoded.Poison.MAX_DETAIL + 40);
            assertThat(worker.worker.healthy()).as("worker healthy").isTrue();
        }
    }

    @Test
    void theDeadLetterListIsBoundedInBytes() throws Exception {
        // Entries of 200 kB each under a 1 MiB cap: five fit, the sixth pushes the oldest out.
        String big = "{\"class\":\"Other\",\"args\":[\"" + "z".repeat(200_000) + "\"]}";
        jedis.rpush(KEYS.queue(), big, big, big);
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 1);
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_DEADLETTER_MAX_BYTES", "1048576",
                "HWAAS_MAX_PAYLOAD_BYTES", "1048576", "HWAAS_WORKER_THREADS", "1")) {
            await("printed").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 1);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> inflight() == 0);
            long bytes = jedis.lrange(KEYS.deadLetter(), 0, -1).stream().mapToLong(String::length).sum();
            assertThat(jedis.llen(KEYS.deadLetter())).as("entries kept").isEqualTo(3);
            assertThat(bytes).as("bytes kept").isLessThanOrEqualTo(1 << 20);
            assertThat(jedis.hget(KEYS.counters(), "deadletter_bytes")).as("the byte count kept with them")
                    .isEqualTo(Long.toString(bytes));
        }
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_DEADLETTER_MAX_BYTES", "1048576",
                "HWAAS_MAX_PAYLOAD_BYTES", "1048576", "HWAAS_WORKER_THREADS", "1")) {
            jedis.rpush(KEYS.queue(), big, big, big);
            await("the oldest dropped for the new").atMost(Duration.ofSeconds(10))
                    .until(() -> jedis.hget(KEYS.counters(), "deadletter_dropped") != null);
            long bytes = jedis.lrange(KEYS.deadLetter(), 0, -1).stream().mapToLong(String::length).sum();
            assertThat(bytes).as("bytes kept after more poison").isLessThanOrEqualTo(1 << 20);
            assertThat(worker.metrics().deadLettersDroppedTotal()).as("dropped entries counted").isPositive();
        }
    }

    @Test
    void aRefusedDeadLetterStillMovesThePoisonOutOfTheWay() throws Exception {
        jedis.set(KEYS.deadLetter(), "not a list");
        jedis.rpush(KEYS.queue(), "not json");
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("the hellos behind the poison printed").atMost(Duration.ofSeconds(10))
                    .until(() -> worker.lines().size() >= 3);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> inflight() == 0);
            assertThat(worker.metrics().deadLetterRefusedTotal()).as("refusals counted").isEqualTo(1);
            assertThat(jedis.llen(KEYS.queue())).as("nothing left queued").isZero();
            assertThat(worker.worker.healthy()).as("worker healthy").isTrue();
        }
    }

    @Test
    void controlCharactersCannotReachTheTerminal() throws Exception {
        jedis.rpush(KEYS.queue(), Hello.encode("\u001b[2J\u001b[31mred\u001b[0m\nsecond line\u202e\u200b",
                new Hello.Meta("c-1-0", 1, Hello.nowMicros())));
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            await("printed").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 1);
            assertThat(worker.lines().get(0)).as("one line, escapes visible")
                    .isEqualTo("\\u001b[2J\\u001b[31mred\\u001b[0m\\u000asecond line\\u202e\\u200b")
                    .doesNotContain("\u001b");
        }
    }

    @Test
    void jobsFromAPlainJesqueClientRun() throws Exception {
        ClientImpl jesque = new ClientImpl(new ConfigBuilder().withHost(redis.host()).withPort(redis.port())
                .withDatabase(1).build());
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            jesque.enqueue("hello", new Job("PrintJob", "from Jesque"));
            await("printed").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 1);
            assertThat(worker.lines()).as("lines").containsExactly("from Jesque");
        } finally {
            jesque.end();
        }
    }

    @Test
    void jobsAClaimLeftInFlightWhenItsReplyWasLostArePrinted() throws Exception {
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
        jedis.rename(KEYS.queue(), "staging");
        String inflight = KEYS.inflight(Keys.consumer("w-lost", 0));
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_NAME", "w-lost",
                "HWAAS_WORKER_THREADS", "1")) {
            await("the consumer blocked in BLMOVE").atMost(Duration.ofSeconds(10))
                    .until(() -> TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            // What a claim leaves behind when Redis ran it but the reply died with the connection.
            jedis.rename("staging", inflight);
            jedis.clientKill(new ClientKillParams().type(ClientType.NORMAL).skipMe(ClientKillParams.SkipMe.YES));
            await("the stranded jobs printed").atMost(Duration.ofSeconds(10)).until(() -> worker.lines().size() == 3);
            assertThat(jedis.exists(inflight)).as("the consumer's in-flight list afterwards").isFalse();
            Audit.Report report = Audits.of(jedis, KEYS);
            assertThat(report.printed()).as("printed").isEqualTo(3);
            assertThat(report.lost()).as("lost").isZero();
        }
    }

    @Test
    void anOversizedPoisonLeftInFlightIsDeadLetteredWithoutCrossingTheNetwork() throws Exception {
        // 900 kB, far over the 64 KiB HWAAS_MAX_PAYLOAD_BYTES: a claim would send a placeholder back, and
        // so must the read of a lost claim's jobs.
        String poison = "{\"class\":\"PrintJob\",\"args\":[\"" + "y".repeat(900_000) + "\"]}";
        jedis.rpush("staging", poison);
        TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 3);
        jedis.rpush("staging", jedis.lrange(KEYS.queue(), 0, -1).toArray(new String[0]));
        jedis.del(KEYS.queue());
        String inflight = KEYS.inflight(Keys.consumer("w-huge", 0));
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_WORKER_NAME", "w-huge",
                "HWAAS_WORKER_THREADS", "1")) {
            await("the consumer blocked in BLMOVE").atMost(Duration.ofSeconds(10))
                    .until(() -> TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            long sentBefore = TestRedis.info(jedis, "stats", "total_net_output_bytes");
            jedis.rename("staging", inflight);
            jedis.clientKill(new ClientKillParams().type(ClientType.NORMAL).skipMe(ClientKillParams.SkipMe.YES));
            await("the hellos beside the poison printed").atMost(Duration.ofSeconds(10))
                    .until(() -> worker.lines().size() == 3);
            await("acknowledged").atMost(Duration.ofSeconds(5)).until(() -> !jedis.exists(inflight));
            long sent = TestRedis.info(jedis, "stats", "total_net_output_bytes") - sentBefore;
            JsonNode entry = JSON.readTree(jedis.lindex(KEYS.deadLetter(), 0));
            assertThat(entry.path("reason").asText()).as("reason").isEqualTo("oversized_payload");
            assertThat(entry.path("detail").asText()).as("detail").contains("not transferred");
            assertThat(entry.path("length").asLong()).as("length").isEqualTo(poison.length());
            assertThat(sent).as("bytes Redis sent to anyone meanwhile: not the poison").isLessThan(100_000);
        }
    }

    @Test
    void aBlockTimeoutLongerThanTheRedisTimeoutKeepsItsConnection() throws Exception {
        // The blocking read must outlast BLMOVE's own timeout, or every idle wait ends in a reconnect.
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_REDIS_TIMEOUT", "100ms",
                "HWAAS_WORKER_BLOCK_TIMEOUT", "11s", "HWAAS_WORKER_THREADS", "1")) {
            await("the consumer blocked in BLMOVE").atMost(Duration.ofSeconds(10))
                    .until(() -> TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            long before = TestRedis.info(jedis, "stats", "total_connections_received");
            await("no connection opened while idle through a whole 11 s BLMOVE").during(Duration.ofSeconds(12))
                    .atMost(Duration.ofSeconds(14)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> TestRedis.info(jedis, "stats", "total_connections_received") == before);
        }
    }

    @Test
    void anIdleWorkerSendsAtMostEightCommandsASecondWithOneConsumerWatchingTheQueue() throws Exception {
        try (RunningWorker worker = RunningWorker.start(redis.url(1), "HWAAS_HEARTBEAT_INTERVAL", "1s",
                "HWAAS_WORKER_DEAD_AFTER", "4s", "HWAAS_WORKER_BLOCK_TIMEOUT", "5s")) {
            // Two consumer threads, one blocked in BLMOVE: a burst wakes one consumer per worker.
            await("settled").atMost(Duration.ofSeconds(10)).until(() -> TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            long before = TestRedis.info(jedis, "stats", "total_commands_processed");
            // A fixed window, not a condition: it measures a rate.
            Thread.sleep(10_000);
            long after = TestRedis.info(jedis, "stats", "total_commands_processed");
            // One INFO of ours is inside the window.
            double perSecond = (after - before - 1) / 10.0;
            System.out.printf("IDLE: %.1f Redis commands/s from an idle worker with 2 threads%n", perSecond);
            // The window ends on a block timeout's boundary, when the watcher may be between two BLMOVEs.
            await("one consumer blocked in BLMOVE after the window").atMost(Duration.ofSeconds(2))
                    .until(() -> TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            // The heartbeat's script with the figures it publishes (about five commands a second,
            // counting those it calls), and every block timeout a BLMOVE with the watch's renewal
            // and a claim pipelined (seven commands per 5 s).
            assertThat(perSecond).as("Redis commands per second from an idle worker with 2 threads").isLessThanOrEqualTo(8.0);
        }
    }

    /**
     * Redis hands a pushed job to every client blocked on the queue, so one worker of the
     * deployment watches it and the rest look once a second: a push wakes one worker, which takes
     * it whole, and the watch passes on when its worker stops.
     */
    @Test
    void oneWorkerOfSeveralWatchesTheQueueAndTheWatchPassesOnWhenItStops() throws Exception {
        List<RunningWorker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                workers.add(RunningWorker.start(redis.url(1)));
            }
            await("one consumer of the three workers blocked in BLMOVE").atMost(Duration.ofSeconds(10))
                    .until(() -> TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            String watcher = jedis.get(KEYS.watcher()).replaceFirst("^offer:", "");
            RunningWorker watching = workers.stream().filter(w -> w.name().equals(watcher)).findFirst()
                    .orElseThrow(() -> new AssertionError("the watch names no running worker: " + watcher));
            long moves = blmoveCalls();
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 1, 10);
            await("ten hellos printed").atMost(Duration.ofSeconds(5))
                    .until(() -> workers.stream().mapToInt(w -> w.lines().size()).sum() == 10);
            assertThat(watching.lines()).as("hellos the watching worker printed, of one pipelined push of ten").hasSize(10);
            assertThat(blmoveCalls() - moves)
                    .as("BLMOVE calls for the push: the one that returned and the next one").isLessThanOrEqualTo(2);

            watching.close();
            workers.remove(watching);
            await("another worker watching").atMost(Duration.ofSeconds(5)).until(() ->
                    workers.stream().anyMatch(w -> w.name().equals(String.valueOf(jedis.get(KEYS.watcher())).replaceFirst("^offer:", "")))
                            && TestRedis.info(jedis, "clients", "blocked_clients") == 1);
            TestHellos.enqueue(jedis, KEYS, "c-1-0", 11, 11);
            await("a hello printed by the new watcher").atMost(Duration.ofSeconds(3))
                    .until(() -> workers.stream().mapToInt(w -> w.lines().size()).sum() == 1);
        } finally {
            workers.forEach(RunningWorker::close);
        }
    }

    private long blmoveCalls() {
        return jedis.info("commandstats").lines().filter(l -> l.startsWith("cmdstat_blmove:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("^cmdstat_blmove:calls=(\\d+),.*$", "$1").trim())).orElse(0L);
    }

    @Test
    void deploymentsWithDifferentQueuesShareOneRedisWithoutCrosstalk() throws Exception {
        Keys alpha = new Keys("resque", "alpha");
        Keys beta = new Keys("resque", "beta");
        try (RunningWorker a = RunningWorker.start(redis.url(1), "HWAAS_QUEUE", "alpha");
                RunningWorker b = RunningWorker.start(redis.url(1), "HWAAS_QUEUE", "beta")) {
            TestHellos.enqueue(jedis, alpha, "c-1-0", 1, 5, "to alpha");
            TestHellos.enqueue(jedis, beta, "c-1-0", 1, 7, "to beta");
            await("both printed").atMost(Duration.ofSeconds(10))
                    .until(() -> a.lines().size() == 5 && b.lines().size() == 7);
            assertThat(a.lines()).as("alpha's worker").containsOnly("to alpha");
            assertThat(b.lines()).as("beta's worker").containsOnly("to beta");
            assertThat(Audits.of(jedis, alpha).printed()).as("alpha's audit").isEqualTo(5);
            assertThat(Audits.of(jedis, beta).printed()).as("beta's audit").isEqualTo(7);
        }
    }
}
