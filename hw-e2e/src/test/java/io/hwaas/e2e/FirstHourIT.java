package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer meets in the first hour, for real: a checkout in a directory of any name that
 * plain {@code docker compose logs} understands, closing the terminal, and a Redis image that
 * cannot work, reported with its name, its log and what to check.
 */
class FirstHourIT {

    @TempDir
    Path tmp;

    @Test
    void closingTheTerminalStopsTheStackAsCtrlCDoes() throws Exception {
        try (Stack stack = Stack.create("hup-it")) {
            Path log = tmp.resolve("hwaas.log");
            Process hwaas = stack.hwaas(log, "1", "1");
            stack.awaitHellos(1, Duration.ofMinutes(10));
            Command.of("kill", "-HUP", Long.toString(hwaas.pid())).run(Duration.ofSeconds(10));
            assertThat(hwaas.waitFor(2, TimeUnit.MINUTES)).as("hwaas exits on SIGHUP").isTrue();
            assertThat(stack.containers(null)).as("containers left after SIGHUP: " + Files.readString(log)).isEmpty();
        }
    }

    @Test
    void aCheckoutInADirectoryOfAnyNameIsOneProjectForHwaasAndPlainCompose() throws Exception {
        Path clone = copyOfTheCheckout(tmp.resolve("work-" + UUID.randomUUID().toString().substring(0, 6)));
        String project = "hwaas-clone-it-" + UUID.randomUUID().toString().substring(0, 8);
        // The user's own project name, in .env: hwaas keeps it, and writes the passwords next to it.
        Files.writeString(clone.resolve(".env"), "COMPOSE_PROJECT_NAME=" + project, StandardCharsets.UTF_8);
        Stack stack = Stack.in(clone, "clone-it", Map.of());
        try {
            Command.Result up = run(clone, Duration.ofMinutes(10), clone.resolve("hwaas").toString(), "-d", "1", "1");
            assertThat(up.exit()).as("./hwaas -d 1 1 in " + clone.getFileName() + ": " + up.all()).isZero();
            String env = Files.readString(clone.resolve(".env"));
            assertThat(env).as(".env").contains("COMPOSE_PROJECT_NAME=" + project + "\n", "HWAAS_REDIS_PASSWORD=",
                    "COMPOSE_FILE=docker-compose.yml");
            await("plain docker compose logs shows the hellos").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> {
                        List<String> logs = new ArrayList<>(stack.composeCommand());
                        logs.addAll(List.of("logs", "--no-color", "hw-worker"));
                        return run(clone, Duration.ofSeconds(60), logs.toArray(new String[0])).out().contains("hello, world!");
                    });
            Command.Result down = run(clone, Duration.ofMinutes(3), clone.resolve("hwaas").toString(), "down");
            assertThat(down.exit()).as("./hwaas down: " + down.all()).isZero();
        } finally {
            List<String> remove = new ArrayList<>(stack.composeCommand());
            remove.addAll(List.of("--profile", "packing", "down", "-v", "--remove-orphans"));
            run(clone, Duration.ofMinutes(3), remove.toArray(new String[0]));
        }
    }

    @Test
    void aRedisImageThatCannotWriteItsDataIsReportedByNameWithItsLogAndWhatToCheck() throws Exception {
        String base = System.getenv().getOrDefault("HWAAS_REDIS_IMAGE", "redis:7.4");
        String broken = "hwaas-test/redis-unwritable:" + UUID.randomUUID().toString().substring(0, 8);
        Path context = Files.createDirectories(tmp.resolve("broken-redis"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nUSER root\n"
                + "RUN mkdir -p /data && chown 0:0 /data && chmod 755 /data\n");
        Command.Result build = run(context, Duration.ofMinutes(5), "docker", "build", "-q", "-t", broken, ".");
        assertThat(build.exit()).as("building " + broken + ": " + build.all()).isZero();
        try (Stack stack = Stack.create("unwritable-it", Map.of("HWAAS_REDIS_IMAGE", broken))) {
            Command.Result up = stack.hwaasRun(Duration.ofMinutes(10), "-d", "1", "1");
            assertThat(up.exit()).as("./hwaas -d 1 1 with " + broken + ": " + up.all()).isNotZero();
            assertThat(up.err()).as("what hwaas says").contains("service redis", "/data is not writable by uid 999",
                    "HWAAS_REDIS_IMAGE");
        } finally {
            run(tmp, Duration.ofMinutes(1), "docker", "rmi", "-f", broken);
        }
    }

    /** The checkout's files as git sees them (tracked, and new ones not ignored), without .env or builds; CheckoutsIT too. */
    static Path copyOfTheCheckout(Path target) throws Exception {
        Path root = Repository.root();
        Command.Result files = run(root, Duration.ofMinutes(1), "git", "ls-files", "-co", "--exclude-standard");
        assertThat(files.exit()).as("git ls-files: " + files.all()).isZero();
        for (String file : files.out().lines().toList()) {
            Path source = root.resolve(file);
            if (!Files.isRegularFile(source)) {
                continue;
            }
            Path copy = target.resolve(file);
            Files.createDirectories(copy.getParent());
            Files.copy(source, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        return target;
    }

    static Command.Result run(Path dir, Duration timeout, String... command)
            throws IOException, InterruptedException {
        // Nothing of the test's own project or files: .env in the directory decides.
        return Command.of(command).in(dir).unset(name -> name.equals("COMPOSE_PROJECT_NAME")
                || name.equals("COMPOSE_FILE")).run(timeout);
    }
}
