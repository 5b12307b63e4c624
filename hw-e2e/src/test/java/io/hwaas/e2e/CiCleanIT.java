package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .ci/test clean}, which the Jenkinsfile runs in {@code post { always }}: it removes the
 * containers, networks and volumes of the Compose projects named {@code hwaas-*} whose working
 * directory is its checkout (reached directly or through a link), and nothing of another checkout
 * or of a project of another name, such as a developer's {@code hwaas}. The projects are made of
 * Compose's labels on containers that are created, never started; the script runs from a copy in
 * a checkout of the test's own, so the real one's stacks are never touched.
 */
class CiCleanIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String PROJECT = "com.docker.compose.project";

    @TempDir
    Path temp;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<List<String>> created = new ArrayList<>();

    private static Command.Result docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return Commands.run(command, Path.of("/"), Map.of(), TIMEOUT);
    }

    /** A container, a network and a volume named {@code project}, labelled as Compose labels them. */
    private void project(String project, Path workingDir) throws Exception {
        String name = project;
        String image = System.getenv().getOrDefault("HWAAS_REDIS_IMAGE", "redis:7.4");
        for (List<String> args : List.of(
                List.of("network", "create", "--label", PROJECT + "=" + project, name),
                List.of("volume", "create", "--label", PROJECT + "=" + project, name),
                List.of("create", "--name", name, "--label", PROJECT + "=" + project,
                        "--label", PROJECT + ".working_dir=" + workingDir, "--network", name, "-v", name + ":/data", image))) {
            Command.Result result = docker(args.toArray(String[]::new));
            assertThat(result.exit()).as("docker %s\n%s", args, result.describe()).isZero();
            created.add(List.of(args.get(0).equals("create") ? "container" : args.get(0), name));
        }
    }

    private static boolean exists(String kind, String name) throws Exception {
        return docker(kind, "inspect", name).exit() == 0;
    }

    @AfterEach
    void removeWhatIsLeft() throws Exception {
        // Containers first: a network or volume in use cannot go.
        for (String kind : List.of("container", "network", "volume")) {
            for (List<String> resource : created) {
                if (resource.get(0).equals(kind) && exists(kind, resource.get(1))) {
                    docker(kind, "rm", resource.get(1));
                }
            }
        }
    }

    @Test
    void cleanRemovesTheTestProjectsOfItsCheckoutOnly() throws Exception {
        Path checkout = Files.createDirectories(temp.resolve("checkout"));
        Files.createDirectories(checkout.resolve(".ci"));
        Files.copy(Repository.root().resolve(".ci/test"), checkout.resolve(".ci/test"), StandardCopyOption.COPY_ATTRIBUTES);
        Path link = Files.createSymbolicLink(temp.resolve("workspace"), checkout);
        String mine = "hwaas-cleanit-" + run;
        String mineThroughLink = "hwaas-cleanit-link-" + run;
        String otherCheckout = "hwaas-cleanit-other-" + run;
        String otherName = "hwaascleanit" + run;
        project(mine, checkout);
        project(mineThroughLink, link);
        project(otherCheckout, temp.resolve("elsewhere"));
        project(otherName, checkout);

        // Through the link, as a Jenkins workspace reached by a link would run it.
        Command.Result result = Commands.run(List.of("bash", link.resolve(".ci/test").toString(), "clean"), link, Map.of(),
                TIMEOUT);

        assertThat(result.exit()).as(".ci/test clean\n%s", result.describe()).isZero();
        assertThat(result.out()).contains("removed 2 Compose project(s)");
        for (String project : List.of(mine, mineThroughLink)) {
            for (String kind : List.of("container", "network", "volume")) {
                assertThat(exists(kind, project)).as("%s of %s is removed", kind, project).isFalse();
            }
        }
        for (String project : List.of(otherCheckout, otherName)) {
            for (String kind : List.of("container", "network", "volume")) {
                assertThat(exists(kind, project)).as("%s of %s is kept", kind, project).isTrue();
            }
        }
    }
}
