package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.Command;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./hwaas 3 10} under fire for 90 seconds: Redis restarted once and frozen for 20 s, a
 * client killed while it holds hellos Redis never had, an oversized poison payload of control
 * characters among the hellos, a fourth worker whose clock is 10 s ahead, and workers killed
 * while they hold jobs. A random SIGKILL at this load almost never lands while a job is in
 * flight, so each kill first freezes a worker (docker pause), waits until Redis has handed it a
 * job, and only then kills it. Afterwards the audit and the workers' own output must agree that
 * nothing was lost (the killed client's hellos too, re-sent from its ledger), and every orphaned
 * job must have been printed within 10 s.
 */
class ChaosIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = 4;

    private final Stack stack = Stack.create("chaos-it");

    @AfterEach
    void tearDown() throws Exception {
        stack.close();
    }

    /** One orphan: a job a killed worker held, and when it was printed again. */
    private record Orphan(String client, long seq, long killedAtNanos) {
    }

    @Test
    void noHelloIsLostThroughWorkerKillsRedisRestartsAndFreezes() throws Exception {
        Command.Result up = stack.hwaasRun(Duration.ofMinutes(10), "-d", "3", "10");
        assertThat(up.exit()).as("./hwaas -d 3 10; output: " + up.all()).isZero();
        // A fourth worker whose wall clock is 10 s ahead of everyone else's.
        Command.Result skewed = stack.compose(Duration.ofMinutes(2), "run", "-d", "--no-deps", "-e", "HWAAS_CLOCK_OFFSET=10s",
                "hw-worker");
        assertThat(skewed.exit()).as("the skewed worker: " + skewed.all()).isZero();
        String skewedWorker = stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.Id}}",
                skewed.out().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElseThrow().trim()).out().trim();
        stack.awaitHellos(10, Duration.ofSeconds(90));
        long t0 = System.nanoTime();
        String redis = stack.container("redis");

        sleepUntil(t0, 10);
        assertThat(stack.docker(Duration.ofSeconds(60), "restart", "-t", "10", redis).exit()).as("Redis restart").isZero();

        sleepUntil(t0, 25);
        assertThat(stack.docker(Duration.ofSeconds(30), "pause", redis).exit()).as("Redis pause").isZero();
        sleepUntil(t0, 35);
        // A client killed while Redis is frozen: it holds ten seconds of hellos Redis never had.
        String victimClient = stack.containers("hw-client").get(0);
        assertThat(stack.docker(Duration.ofSeconds(30), "kill", "-s", "KILL", victimClient).exit()).as("SIGKILL a client")
                .isZero();
        sleepUntil(t0, 45);
        assertThat(stack.docker(Duration.ofSeconds(30), "unpause", redis).exit()).as("Redis unpause").isZero();
        assertThat(stack.docker(Duration.ofSeconds(60), "start", victimClient).exit()).as("the client container again")
                .isZero();

        // An oversized poison payload of control characters among the hellos.
        sleepUntil(t0, 50);
        stack.redisWithInput("\u0001\u001b[2J".repeat(150_000).getBytes(StandardCharsets.UTF_8), "-x", "RPUSH",
                KEYS.queue());
        long poisonedAt = System.nanoTime();
        await("the poison dead-lettered and the hellos behind it printed").atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> "1".equals(stack.redis("LLEN", KEYS.deadLetter())) && "0".equals(stack.redis("LLEN", KEYS.queue())));
        double poisonSeconds = (System.nanoTime() - poisonedAt) / 1e9;

        // Give live workers time to see Redis settled before they may declare peers dead.
        sleepUntil(t0, 60);
        List<Orphan> orphans = new ArrayList<>();
        List<Double> recoverySeconds = new ArrayList<>();
        int kills = 0;
        int attempts = 0;
        while (kills < KILLS) {
            assertThat(attempts++).as("attempts to catch a worker holding a job").isLessThan(40);
            List<String> workers = running("hw-worker");
            // The skewed worker lives throughout: the point is that nobody mistakes it for dead.
            workers.removeIf(skewedWorker::startsWith);
            // Only the worker holding the watch blocks in BLMOVE, so only it can be handed a job
            // while frozen: freeze that one, moving the watch off the skewed worker first.
            String victim = watchingWorker(workers);
            if (victim == null) {
                continue;
            }
            List<Orphan> held = freezeUntilHolding(victim);
            if (held.isEmpty()) {
                continue;
            }
            kills++;
            orphans.addAll(held);
            for (Orphan orphan : held) {
                recoverySeconds.add(awaitPrinted(orphan, Duration.ofSeconds(30)));
            }
            // Keep three workers: start the killed container again (it comes back under a new name).
            stack.docker(Duration.ofSeconds(60), "start", victim);
        }
        // The run lasts 90 s however soon the kills are done.
        sleepUntil(t0, 90);

        Command.Result stopClients = stack.compose(Duration.ofMinutes(2), "stop", "hw-client");
        assertThat(stopClients.exit()).as("stopping the clients: " + stopClients.all()).isZero();
        awaitDrained(Duration.ofSeconds(60));

        Command.Result audit = stack.hwaasRun(Duration.ofMinutes(2), "audit", "--json");
        JsonNode report = JSON.readTree(audit.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in the audit output: " + audit.all())));
        long submitted = report.path("submitted").asLong();
        long printed = report.path("printed").asLong();
        long duplicates = report.path("duplicates").asLong();
        long lines = stack.hellosPrinted();
        System.out.printf("CHAOS: %d kills orphaned %d jobs; kill-to-print %s s; poison out of the way in %.2f s;"
                + " submitted %d, printed %d, lost %d, duplicates %d, hello lines in worker logs %d%n", kills,
                orphans.size(), recoverySeconds, poisonSeconds, submitted, printed, report.path("lost").asLong(), duplicates,
                lines);

        assertThat(audit.exit()).as("audit exit status (1 lost, 4 unknown): " + audit.all()).isZero();
        assertThat(report.path("verdict").asText()).as("verdict").isEqualTo("OK");
        String skewedLog = stack.docker(Duration.ofSeconds(60), "logs", skewedWorker).err();
        assertThat(skewedLog).as("the skewed worker's log").doesNotContain("was declared dead by its peers");
        for (String id : stack.containers("hw-worker")) {
            assertThat(stack.docker(Duration.ofSeconds(60), "logs", id).err()).as("worker " + id + "'s log")
                    .doesNotContain("Declared worker " + skewedName(skewedLog) + " dead");
        }
        assertThat(report.path("lost").asLong()).as("lost hellos").isZero();
        assertThat(submitted).as("submitted hellos over the run").isGreaterThan(700);
        assertThat(printed).as("every submitted hello printed").isEqualTo(submitted);
        assertThat(report.path("inFlight").asLong()).as("jobs left in flight").isZero();
        assertThat(report.path("queued").asLong()).as("jobs left queued").isZero();
        assertThat(orphans.size()).as("jobs orphaned by kills").isGreaterThanOrEqualTo(KILLS);
        assertThat(duplicates).as("duplicates, at most one per kill").isLessThanOrEqualTo(kills);
        assertThat(lines).as("hello lines in the workers' output: every printed hello, plus at most the duplicates")
                .isBetween(printed, printed + duplicates);
        assertThat(recoverySeconds).as("seconds from a kill until its orphaned job printed")
                .allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(10.0));
    }

    /** The worker name a worker's log announces. */
    private static String skewedName(String log) {
        return log.lines().filter(l -> l.contains(" registered on ")).findFirst()
                .map(l -> l.replaceAll(".*Worker (\\S+) registered on .*", "$1")).orElse("no-such-worker");
    }

    /**
     * The container of {@code candidates} whose worker holds the watch; null after moving the watch
     * on when another holds it (a holder that finds the watch another's stops watching, and the
     * next worker to look takes it once it expires).
     */
    private String watchingWorker(List<String> candidates) throws Exception {
        String holder = await("a worker holding the watch").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.redis("--raw", "GET", KEYS.watcher()).trim().replaceFirst("^offer:", ""), name -> !name.isEmpty());
        for (String id : candidates) {
            if (holder.startsWith(id.substring(0, 12) + "-")) {
                return id;
            }
        }
        stack.redis("SET", KEYS.watcher(), "moved-by-chaos-it", "PX", "1500");
        await("the watch moved on").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> !stack.redis("--raw", "GET", KEYS.watcher()).trim().equals("moved-by-chaos-it"));
        return null;
    }

    /** Freezes a worker until Redis has moved a job into one of its in-flight lists, then kills it. */
    private List<Orphan> freezeUntilHolding(String container) throws Exception {
        String host = container.substring(0, 12);
        assertThat(stack.docker(Duration.ofSeconds(30), "pause", container).exit()).as("pause " + host).isZero();
        List<String> payloads;
        try {
            payloads = await("a job in " + host + "'s in-flight lists").atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(100)).until(() -> inflightPayloads(host), held -> !held.isEmpty());
        } catch (ConditionTimeoutException e) {
            stack.docker(Duration.ofSeconds(30), "unpause", container);
            return List.of();
        }
        assertThat(stack.docker(Duration.ofSeconds(30), "kill", "-s", "KILL", container).exit())
                .as("SIGKILL " + host).isZero();
        long killedAt = System.nanoTime();
        List<Orphan> orphans = new ArrayList<>();
        for (String payload : payloads) {
            JsonNode meta = JSON.readTree(payload).path("hwaas");
            orphans.add(new Orphan(meta.path("client").asText(), meta.path("seq").asLong(), killedAt));
        }
        return orphans;
    }

    /** The payloads in the in-flight lists of the workers of container {@code host}. */
    private List<String> inflightPayloads(String host) throws Exception {
        List<String> payloads = new ArrayList<>();
        for (String key : stack.redis("--raw", "KEYS", KEYS.inflight(host + "-*")).lines().toList()) {
            if (!key.isBlank()) {
                payloads.addAll(stack.redis("--raw", "LRANGE", key, "0", "-1").lines().filter(l -> !l.isBlank()).toList());
            }
        }
        return payloads;
    }

    private double awaitPrinted(Orphan orphan, Duration timeout) throws Exception {
        String key = KEYS.audit(orphan.client(), AuditBits.block(orphan.seq()));
        String offset = Long.toString(AuditBits.offset(orphan.seq(), AuditBits.PRINTED));
        Duration left = timeout.minusNanos(System.nanoTime() - orphan.killedAtNanos());
        await("orphan " + orphan.client() + ":" + orphan.seq() + " printed").atMost(left)
                .pollInterval(Duration.ofMillis(100)).until(() -> "1".equals(stack.redis("GETBIT", key, offset)));
        return Math.round((System.nanoTime() - orphan.killedAtNanos()) / 1e8) / 10.0;
    }

    private void awaitDrained(Duration timeout) {
        await("queue and in-flight lists drained").atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            long inflight = 0;
            for (String key : stack.redis("--raw", "KEYS", KEYS.inflightPattern()).lines().toList()) {
                if (!key.isBlank()) {
                    inflight += Long.parseLong(stack.redis("LLEN", key));
                }
            }
            return inflight == 0 && "0".equals(stack.redis("LLEN", KEYS.queue()));
        });
    }

    private List<String> running(String service) throws Exception {
        List<String> running = new ArrayList<>();
        for (String id : stack.containers(service)) {
            String state = stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}} {{.State.Paused}}", id)
                    .out().trim();
            if ("true false".equals(state)) {
                running.add(id);
            }
        }
        assertThat(running).as("running " + service + " containers").isNotEmpty();
        return running;
    }

    /** The chaos is a timeline: each event at a fixed second from the start, whatever happened before it. */
    private static void sleepUntil(long t0, long seconds) throws InterruptedException {
        long wait = t0 + seconds * 1_000_000_000L - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
    }
}
