package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.common.testing.Command;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.hello.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upgrade without loss: the previous release (by default the commit before this one; another
 * with {@code -Dhwaas.upgrade.from=REV}) runs from its own checkout and images, with four clients
 * making 80 hellos a second; this release's workers replace its workers, then this release's
 * clients replace its clients, all on the same Redis, and the audit balances.
 */
class UpgradeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Keys KEYS = new Keys("resque", "hello");
    private static final Duration LOAD = Duration.ofSeconds(20);

    private final List<Runnable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).run();
        }
    }

    @Test
    void workersThenClientsOfThePreviousReleaseAreReplacedAndNoHelloIsLost() throws Exception {
        long started = System.nanoTime();
        Path root = Repository.root();
        // The last release that landed (stop 15); -Dhwaas.upgrade.from=REV upgrades from another.
        String from = System.getProperty("hwaas.upgrade.from", "a4a99e6");
        String commit = git(root, "rev-parse", "--verify", from + "^{commit}").strip();
        String oldTag = "upgrade-" + commit.substring(0, 12);
        String newTag = System.getenv().getOrDefault("HWAAS_IMAGE_TAG", "latest");
        Path previous = Files.createTempDirectory("hwaas-previous");
        cleanup.add(() -> deleteTree(previous));
        extract(root, commit, previous);

        Stack old = Stack.in(previous, "upgrade-it", Map.of("HWAAS_IMAGE_TAG", oldTag, "HWAAS_CLIENT_INTERVAL", "50ms"));
        Stack next = old.from(root, Map.of("HWAAS_IMAGE_TAG", newTag, "COMPOSE_FILE", Stack.SINGLE,
                "HWAAS_CLIENTS_PER_CONTAINER", "1"));
        cleanup.add(() -> quietly(() -> next.close()));
        cleanup.add(() -> quietly(() -> removeImagesTagged(next, oldTag)));

        // This release's images first, so that nothing waits for a build while the old one runs.
        Command.Result build = next.compose(Duration.ofMinutes(15), "build", "hw-worker", "hw-client");
        assertThat(build.exit()).as("building this release's images: %s", build.all()).isZero();

        Command.Result up = old.hwaasRun(Duration.ofMinutes(15), "-d", "-k", "1", "2", "4");
        assertThat(up.exit()).as("the previous release (%s): ./hwaas -d -k 1 2 4: %s", commit, up.all()).isZero();
        assertThat(tags(old, "hw-worker")).as("worker images of the previous release").containsOnly(oldTag).hasSize(2);
        long afterStart = System.nanoTime();
        old.awaitHellos(200, Duration.ofSeconds(90));
        Thread.sleep(LOAD.toMillis());

        Instant workersReplaced = Instant.now();
        Command.Result workers = next.compose(Duration.ofMinutes(3), "up", "-d", "--no-deps", "--scale", "hw-worker=2", "hw-worker");
        assertThat(workers.exit()).as("this release's workers: %s", workers.all()).isZero();
        assertThat(tags(next, "hw-worker")).as("worker images after replacing them").containsOnly(newTag).hasSize(2);
        await("this release's workers print the old clients' hellos").atMost(Duration.ofSeconds(60))
                .until(() -> next.hellosPrintedSince(workersReplaced) >= 200);
        Thread.sleep(LOAD.toMillis());

        Instant clientsReplaced = Instant.now();
        Command.Result clients = next.compose(Duration.ofMinutes(3), "up", "-d", "--no-deps", "--scale", "hw-client=4", "hw-client");
        assertThat(clients.exit()).as("this release's clients: %s", clients.all()).isZero();
        assertThat(tags(next, "hw-client")).as("client images after replacing them").containsOnly(newTag).hasSize(4);
        await("this release's clients' hellos print").atMost(Duration.ofSeconds(60))
                .until(() -> next.hellosPrintedSince(clientsReplaced) >= 400);
        Thread.sleep(LOAD.toMillis());

        Command.Result stop = next.compose(Duration.ofMinutes(2), "stop", "hw-client");
        assertThat(stop.exit()).as("stopping the clients: %s", stop.all()).isZero();
        await("queue and in-flight lists drained").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> "0".equals(next.redis("LLEN", KEYS.queue()))
                        && next.redis("--scan", "--pattern", KEYS.inflightPattern()).isBlank());
        Command.Result audit = next.compose(Duration.ofMinutes(2), "run", "--rm", "--no-deps", "-T", "hw-worker", "audit", "--json");
        JsonNode report = JSON.readTree(audit.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in the audit output: " + audit.all())));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        System.out.printf("UPGRADE: from %s (%s): workers then clients replaced under load; submitted %d, printed %d, lost %d,"
                + " duplicates %d; %d s in all, %d s from the old stack's start%n", from, commit.substring(0, 12),
                report.path("submitted").asLong(), report.path("printed").asLong(), report.path("lost").asLong(),
                report.path("duplicates").asLong(), seconds, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - afterStart));

        assertThat(audit.exit()).as("audit exit status (1 lost, 4 unknown): %s", audit.all()).isZero();
        assertThat(report.path("lost").asLong()).as("lost hellos").isZero();
        assertThat(report.path("printed").asLong()).as("every submitted hello printed")
                .isEqualTo(report.path("submitted").asLong()).isGreaterThan(1000);
    }

    /** The image tags of a service's running containers. */
    private static List<String> tags(Stack stack, String service) throws IOException, InterruptedException {
        List<String> tags = new ArrayList<>();
        for (String id : stack.containers(service)) {
            Command.Result r = stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}} {{.Config.Image}}", id);
            String[] fields = r.out().strip().split(" ");
            if (fields.length == 2 && fields[0].equals("true")) {
                tags.add(fields[1].substring(fields[1].lastIndexOf(':') + 1));
            }
        }
        return tags;
    }

    /** The release at {@code commit}, as a checkout of its own (git archive: no history, no .env). */
    private static void extract(Path root, String commit, Path into) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "git -C \"$1\" archive --format=tar \"$2\" | tar -x -C \"$3\"", "sh",
                root.toString(), commit, into.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0).as("git archive %s | tar -x: %s", commit, out).isTrue();
    }

    private static String git(Path root, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0)
                .as("%s: %s%nUpgradeIT starts the previous release from this repository's history: it needs the"
                        + " commit (a shallow clone lacks it: git fetch --deepen=1), or -Dhwaas.upgrade.from=REV",
                        String.join(" ", command), out).isTrue();
        return out;
    }

    private static void removeImagesTagged(Stack stack, String tag) throws IOException, InterruptedException {
        String images = stack.docker(Duration.ofSeconds(30), "images", "--format", "{{.Repository}}:{{.Tag}}").out();
        for (String image : images.lines().filter(i -> i.endsWith(":" + tag)).toList()) {
            stack.docker(Duration.ofMinutes(1), "rmi", image);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("UpgradeIT: could not delete " + dir + ": " + e);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            System.err.println("UpgradeIT: clean-up step failed: " + e);
        }
    }
}
