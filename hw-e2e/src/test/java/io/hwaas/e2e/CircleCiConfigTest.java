package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.e2e.CiFiles.Broken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .circleci/config.yml}, offline: CircleCI's own parser
 * ({@code @circleci/circleci-config-parser}, pinned in {@code .ci/config-check}) accepts it, and it
 * keeps {@link CircleCiRules}. Each broken fixture is the real file with one change, which must be
 * rejected naming what is wrong: that is what shows each check can fail. What only CircleCI's
 * servers check (the image tag, the resource class, the plan) is in docs/testing.md.
 */
class CircleCiConfigTest {
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

    private static final List<Broken> BROKEN = List.of(
            new Broken("misspelt-step", "      - store_artifacts:", "      - store_artifact:",
                    "CircleCI's parser rejects it: at config/job:benchmark/steps/reused_command:store_artifact: Custom Command"
                            + " store_artifact not found"),
            new Broken("not-yaml", "workflows:\n  test:\n", "workflows:\n  test: [\n",
                    "CircleCI's parser rejects it: Implicit keys need to be on a single line at line"),
            new Broken("bad-when", "          when: always", "          when: sometimes",
                    "/when must be equal to one of the allowed values"),
            new Broken("docker-executor", "    machine:\n      image: ubuntu-2204:2025.09.1",
                    "    docker:\n      - image: cimg/openjdk:17.0", "does not run on a machine executor"),
            new Broken("maven-itself", "command: .ci/test unit", "command: ./mvnw -B -ntp verify -DskipITs",
                    "job unit-tests runs Maven itself (./mvnw -B -ntp verify -DskipITs)"),
            new Broken("unknown-command", "command: .ci/test it", "command: .ci/test integration",
                    "calls `.ci/test integration`, which .ci/test does not have"),
            new Broken("stand-ins", "command: .ci/test it", "command: eval \"$(.ci/standins --env)\" && .ci/test it",
                    "job integration-tests uses the stand-in images (.ci/standins)"),
            new Broken("it-before-unit", "          requires:\n            - unit-tests\n", "",
                    "job integration-tests does not require unit-tests"),
            new Broken("bench-every-branch", "          filters:\n            branches:\n              only: main\n", "",
                    "job benchmark runs on other branches than main"),
            new Broken("unit-on-main-only", "    jobs:\n      - unit-tests\n",
                    "    jobs:\n      - unit-tests:\n          filters:\n            branches:\n              only: main\n",
                    "job unit-tests is filtered: the tests run on every branch"),
            new Broken("bench-not-in-workflow", "      - benchmark:\n          requires:\n            - integration-tests\n"
                    + "          filters:\n            branches:\n              only: main\n", "",
                    "no workflow runs job benchmark"),
            new Broken("bench-not-stored", "      - store_artifacts:\n          path: bench-report.md\n", "",
                    "job benchmark does not store bench-report.md as an artifact"),
            new Broken("reports-only-on-success", "          when: always\n", "",
                    "job unit-tests does not collect its JUnit XML reports after `.ci/test unit`"),
            new Broken("reports-not-stored", "          path: test-results\n", "          path: reports\n",
                    "collects its reports into test-results but stores no test results from there"),
            new Broken("cache-key-one-pom", "cat .mvn/wrapper/maven-wrapper.properties pom.xml */pom.xml",
                    "cat pom.xml", "job unit-tests does not restore the Maven repository under the checksum of every pom"),
            new Broken("cache-not-saved", "      - save_cache:\n          key: *maven-cache-key\n          paths:\n"
                    + "            - ~/.m2/repository\n            - ~/.m2/wrapper\n", "",
                    "no test job saves ~/.m2/repository under the key it restores"));

    @TempDir
    static Path temp;

    private static Path node;
    private static Path config;
    private static Set<String> commands;

    @BeforeAll
    static void installParser() throws IOException, InterruptedException {
        Path root = Repository.root();
        config = root.resolve(".circleci/config.yml");
        String checked = "the CircleCI configuration";
        node = Commands.require("node", checked, "it runs CircleCI's config parser (Node 20 or later)");
        Path npm = Commands.require("npm", checked, "it installs the parser's pinned packages (npm ci)");
        Commands.npmCi(root.resolve(".ci/config-check"), npm, NPM_TIMEOUT);
        commands = CiFiles.entryPointCommands();
    }

    @Test
    void circleCisParserAcceptsTheConfigurationAndItKeepsEveryRule() throws IOException, InterruptedException {
        assertThat(CircleCiRules.problems(node, List.of(config), commands).get(config)).as("problems in %s", config)
                .isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyBrokenFixtureIsRejectedNamingWhatIsWrong() throws IOException, InterruptedException {
        String real = Files.readString(config, StandardCharsets.UTF_8);
        Map<String, Path> fixtures = new LinkedHashMap<>();
        for (Broken broken : BROKEN) {
            String text = broken.applyTo(real);
            if (text != null) {
                Path fixture = temp.resolve(broken.name() + ".yml");
                Files.writeString(fixture, text, StandardCharsets.UTF_8);
                fixtures.put(broken.name(), fixture);
            }
        }
        Map<Path, List<String>> problems = CircleCiRules.problems(node, List.copyOf(fixtures.values()), commands);

        return BROKEN.stream().map(broken -> DynamicTest.dynamicTest(broken.name(), () -> {
            assertThat(fixtures).as("fixture %s changes text that %s has once", broken.name(), config)
                    .containsKey(broken.name());
            assertThat(String.join("\n", problems.get(fixtures.get(broken.name()))))
                    .as("fixture %s is rejected naming what is wrong", broken.name()).contains(broken.expected());
        }));
    }
}
