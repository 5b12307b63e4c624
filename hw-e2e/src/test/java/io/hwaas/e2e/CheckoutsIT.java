package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two checkouts on one host, in directories of the same name ({@code a/hwaas} and
 * {@code b/hwaas}), each started with {@code ./hwaas} as a user would: each gets a Compose project
 * of its own, {@code ./hwaas down} in one leaves the other printing, and a checkout whose .env
 * names the other's project (a copied .env) is refused rather than allowed to stop it. On the
 * way, the worker image's own check of the variables warns about a misspelt one before the start.
 */
class CheckoutsIT {
    private static final Duration START = Duration.ofMinutes(10);

    @TempDir
    Path tmp;

    @Test
    void twoCheckoutsOfTheSameNameRunSideBySideAndNeitherTouchesTheOther() throws Exception {
        Path a = FirstHourIT.copyOfTheCheckout(tmp.resolve("a/hwaas"));
        Path b = FirstHourIT.copyOfTheCheckout(tmp.resolve("b/hwaas"));
        List<String> projects = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            Command.Result upA = FirstHourIT.run(a, START, "./hwaas", "-d", "1", "0");
            assertThat(upA.exit()).as("./hwaas -d 1 0 in a/hwaas: " + upA.all()).isZero();
            projects.add(project(a));
            Command.Result upB = FirstHourIT.run(b, START, "env", "HWAAS_WORKER_THREAD=2", "./hwaas", "-d", "1", "1");
            assertThat(upB.exit()).as("./hwaas -d 1 1 in b/hwaas: " + upB.all()).isZero();
            projects.add(project(b));
            System.out.printf("CHECKOUTS: both stacks up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(upB.err()).as("the worker image's warning, relayed as typed").contains("./hwaas: warning:"
                    + " HWAAS_WORKER_THREAD is not a variable HWaaS reads (did you mean HWAAS_WORKER_THREADS?)");
            assertThat(projects.get(0)).as("a/hwaas's project").startsWith("hwaas-").isNotEqualTo(projects.get(1));
            assertThat(services(projects.get(0))).as("a/hwaas's containers").contains("redis", "hw-worker");
            assertThat(services(projects.get(1))).as("b/hwaas's containers").contains("redis", "hw-worker", "hw-client");

            // a's .env copied into a third checkout: its project is a's, started from a/hwaas.
            Path copied = FirstHourIT.copyOfTheCheckout(tmp.resolve("c/hwaas"));
            Files.copy(a.resolve(".env"), copied.resolve(".env"));
            Command.Result refused = FirstHourIT.run(copied, Duration.ofMinutes(1), "./hwaas", "down");
            assertThat(refused.exit()).as("./hwaas down with a's .env in c/hwaas: " + refused.all()).isEqualTo(2);
            assertThat(refused.err()).as("says whose stack it is").contains("was started from the checkout in "
                    + a.toRealPath());
            assertThat(services(projects.get(0))).as("a/hwaas's containers after c's refusal").contains("redis", "hw-worker");

            Command.Result down = FirstHourIT.run(a, Duration.ofMinutes(3), "./hwaas", "down");
            assertThat(down.exit()).as("./hwaas down in a/hwaas: " + down.all()).isZero();
            assertThat(services(projects.get(0))).as("a/hwaas's containers after its down").isEmpty();
            Instant after = Instant.now();
            Awaitility.await("b/hwaas prints on after a's down").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> hellosSince(projects.get(1), after) >= 3);
            Command.Result status = FirstHourIT.run(b, Duration.ofMinutes(1), "./hwaas", "status");
            assertThat(status.exit()).as("./hwaas status in b/hwaas: " + status.all()).isZero();
            assertThat(status.out()).as("b's status").containsPattern("workers alive +1 ");
            Command.Result none = FirstHourIT.run(a, Duration.ofMinutes(1), "./hwaas", "status");
            assertThat(none.exit()).as("./hwaas status in a/hwaas after its down: " + none.all()).isEqualTo(3);
            System.out.printf("CHECKOUTS: whole test %.1f s%n", (System.nanoTime() - t0) / 1e9);
        } finally {
            for (String project : projects) {
                remove(project);
            }
        }
    }

    private static String project(Path checkout) throws Exception {
        return Files.readAllLines(checkout.resolve(".env")).stream().filter(l -> l.startsWith("COMPOSE_PROJECT_NAME="))
                .findFirst().orElseThrow().substring("COMPOSE_PROJECT_NAME=".length());
    }

    /** The services of the project's running containers. */
    private static List<String> services(String project) throws Exception {
        return docker("ps", "--filter", "label=com.docker.compose.project=" + project, "--format",
                "{{.Label \"com.docker.compose.service\"}}").out().lines().toList();
    }

    private static long hellosSince(String project, Instant since) throws Exception {
        long n = 0;
        for (String id : docker("ps", "-q", "--filter", "label=com.docker.compose.project=" + project, "--filter",
                "label=com.docker.compose.service=hw-worker").out().lines().toList()) {
            n += docker("logs", "--since", since.toString(), id).out().lines().filter("hello, world!"::equals).count();
        }
        return n;
    }

    /** Whatever of the project is left: containers, then its networks and volumes. */
    private static void remove(String project) throws Exception {
        String label = "label=com.docker.compose.project=" + project;
        removeAll(docker("ps", "-aq", "--filter", label), "rm", "-f", "-v");
        removeAll(docker("network", "ls", "-q", "--filter", label), "network", "rm");
        removeAll(docker("volume", "ls", "-q", "--filter", label), "volume", "rm", "-f");
    }

    private static void removeAll(Command.Result listed, String... rm) throws Exception {
        List<String> command = new ArrayList<>(List.of(rm));
        command.addAll(listed.out().lines().filter(l -> !l.isBlank()).toList());
        if (command.size() > rm.length) {
            docker(command.toArray(new String[0]));
        }
    }

    private static Command.Result docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return FirstHourIT.run(Path.of("/"), Duration.ofMinutes(2), command.toArray(new String[0]));
    }
}
