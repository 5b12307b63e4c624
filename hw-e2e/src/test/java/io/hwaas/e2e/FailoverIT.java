package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.testing.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./hwaas --ha 3 10} through the failures a replicated Redis is for: the primary killed
 * (SIGKILL), then the new primary killed, then the third primary cut off the network for 20 s.
 * Sentinel promotes a replica each time and the services follow it; because a hello counts as
 * sent and a batch as done only once a replica has it, nothing acknowledged is lost when a replica
 * that never had it would otherwise have been promoted. Afterwards the audit must find nothing
 * lost, and printing must resume within 10 s of each failure.
 */
class FailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final io.hwaas.common.hello.Keys KEYS = new io.hwaas.common.hello.Keys("resque", "hello");
    private static final List<String> NODES = List.of("redis", "redis-2", "redis-3");

    private final Stack stack = Stack.create("failover-it", Map.of("COMPOSE_FILE", Stack.HA));

    @AfterEach
    void tearDown() throws Exception {
        stack.close();
    }

    /** The node the Sentinels name as primary. */
    private String primary() throws Exception {
        for (String sentinel : List.of("sentinel-1", "sentinel-2", "sentinel-3")) {
            try {
                String reply = stack.redisIn(sentinel, "-p", "26379", "SENTINEL", "get-master-addr-by-name", "hwaas");
                if (!reply.isBlank()) {
                    return reply.lines().findFirst().orElseThrow().trim();
                }
            } catch (IllegalStateException e) {
                // That Sentinel is not answering: ask the next.
            }
        }
        throw new AssertionError("no Sentinel names a primary");
    }

    /**
     * Replicas of {@code node} that are in sync ({@code state=online}). A connected replica may still
     * be loading its first copy: killing the primary then is a double fault (one copy left), and the
     * new primary rightly refuses writes (NOREPLICAS) until that replica has caught up.
     */
    private long onlineReplicas(String node) throws Exception {
        return stack.redisIn(node, "-n", "0", "INFO", "replication").lines()
                .filter(line -> line.matches("slave\\d+:.*state=online.*")).count();
    }

    /** Waits until the Sentinels name another primary than {@code old} and it has both replicas again. */
    private String awaitNewPrimaryWithReplicas(String old) {
        String[] now = new String[1];
        await("a new primary instead of " + old).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> !(now[0] = primary()).equals(old));
        return now[0];
    }

    /**
     * Seconds from {@code since} until three hellos have been printed after {@code failedAt}: enough to
     * say printing goes on, more than a batch in flight at the failure could account for alone.
     */
    private double secondsUntilPrintingAgain(long since, java.time.Instant failedAt) {
        await("printing again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.hellosPrintedSince(failedAt) >= 3);
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }

    private void awaitTwoReplicas(String primary) {
        await("the primary " + primary + " has both replicas in sync").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> onlineReplicas(primary) == 2);
    }

    @Test
    void noHelloIsLostThroughTwoPrimaryKillsAndAPartition() throws Exception {
        Command.Result up = stack.hwaasRun(Duration.ofMinutes(10), "--ha", "-d", "3", "10");
        assertThat(up.exit()).as("./hwaas --ha -d 3 10: " + up.all()).isZero();
        stack.awaitHellos(20, Duration.ofSeconds(120));
        String primary = primary();
        awaitTwoReplicas(primary);
        Command.Result status = stack.hwaasRun(Duration.ofMinutes(1), "status");
        assertThat(status.out()).as("status shows the topology: " + status.all()).contains("redis primary", "replica",
                "sentinels", "OK 3 usable Sentinels");

        List<Double> outages = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int kill = 1; kill <= 2; kill++) {
            String container = stack.container(primary);
            java.time.Instant failedAt = java.time.Instant.now();
            assertThat(stack.docker(Duration.ofSeconds(30), "kill", "-s", "KILL", container).exit())
                    .as("SIGKILL the primary " + primary).isZero();
            long killedAt = System.nanoTime();
            outages.add(secondsUntilPrintingAgain(killedAt, failedAt));
            String next = awaitNewPrimaryWithReplicas(primary);
            events.add("killed " + primary + ", " + next + " promoted");
            // The killed node comes back, and joins as a replica of whichever node is primary now.
            assertThat(stack.docker(Duration.ofSeconds(60), "start", container).exit()).as("restart " + primary).isZero();
            primary = next;
            awaitTwoReplicas(primary);
        }

        String container = stack.container(primary);
        java.time.Instant failedAt = java.time.Instant.now();
        List<String> networks = List.of(stack.project + "_workers", stack.project + "_clients");
        for (String network : networks) {
            assertThat(stack.docker(Duration.ofSeconds(30), "network", "disconnect", network, container).exit())
                    .as("cut " + primary + " off " + network).isZero();
        }
        long cutAt = System.nanoTime();
        outages.add(secondsUntilPrintingAgain(cutAt, failedAt));
        String next = awaitNewPrimaryWithReplicas(primary);
        events.add("cut " + primary + " off for 20 s, " + next + " promoted");
        long left = 20_000_000_000L - (System.nanoTime() - cutAt);
        if (left > 0) {
            // The partition lasts 20 s, whatever happens meanwhile.
            Thread.sleep(left / 1_000_000);
        }
        for (String network : networks) {
            assertThat(stack.docker(Duration.ofSeconds(30), "network", "connect", "--alias", primary, network, container)
                    .exit()).as("reconnect " + primary + " to " + network).isZero();
        }
        awaitTwoReplicas(next);

        Command.Result stopClients = stack.compose(Duration.ofMinutes(2), "stop", "hw-client");
        assertThat(stopClients.exit()).as("stopping the clients: " + stopClients.all()).isZero();
        await("queue and in-flight lists drained").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> "0".equals(stack.redisIn(next, "-n", "1", "LLEN", KEYS.queue()))
                        && stack.redisIn(next, "-n", "1", "--scan", "--pattern", KEYS.inflightPattern()).isBlank());
        Command.Result audit = stack.hwaasRun(Duration.ofMinutes(2), "audit", "--json");
        JsonNode report = JSON.readTree(audit.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in the audit output: " + audit.all())));
        System.out.printf("FAILOVER: %s; printing again after %s s; submitted %d, printed %d, lost %d, duplicates %d%n",
                String.join("; ", events), outages, report.path("submitted").asLong(), report.path("printed").asLong(),
                report.path("lost").asLong(), report.path("duplicates").asLong());

        assertThat(audit.exit()).as("audit exit status (1 lost, 4 unknown): " + audit.all()).isZero();
        assertThat(report.path("lost").asLong()).as("lost hellos").isZero();
        assertThat(report.path("printed").asLong()).as("every submitted hello printed")
                .isEqualTo(report.path("submitted").asLong()).isPositive();
        assertThat(outages).as("seconds from each failure to printing again").hasSize(3)
                .allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(10.0));
        assertThat(NODES).as("nodes").contains(primary, next);
    }
}
