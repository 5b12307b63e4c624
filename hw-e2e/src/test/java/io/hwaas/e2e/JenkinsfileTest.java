package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.e2e.CiFiles.Broken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The {@code Jenkinsfile}, offline: Groovy's parser reads it, and it keeps {@link JenkinsfileRules}.
 * Each broken fixture is the real file with one change, which must be rejected naming what is
 * wrong. What only a Jenkins controller checks (the declarative grammar, installed plugins, the
 * agent label) is in docs/testing.md.
 */
class JenkinsfileTest {
    private static final List<Broken> BROKEN = List.of(
            new Broken("not-groovy", "    stages {\n", "    stages {{\n",
                    "the Jenkinsfile does not parse as Groovy: "),
            new Broken("scripted", "pipeline {", "node {", "the Jenkinsfile has 0 pipeline { } blocks"),
            new Broken("any-agent", "agent { label 'docker' }", "agent any",
                    "the pipeline's agent is not one with Docker"),
            new Broken("stage-renamed", "stage('Integration tests')", "stage('IT')",
                    "the stages are [Unit tests, IT, Benchmark]"),
            new Broken("maven-itself", "sh '.ci/test unit'", "sh './mvnw -B -ntp verify -DskipITs'",
                    "stage 'Unit tests' runs Maven itself (./mvnw -B -ntp verify -DskipITs)"),
            new Broken("unknown-command", "sh '.ci/test it'", "sh '.ci/test integration'",
                    "calls `.ci/test integration`, which .ci/test does not have"),
            new Broken("everything-first", "sh '.ci/test unit'", "sh '.ci/test all'",
                    "the stages run [.ci/test all, .ci/test it, .ci/test bench bench-report.md], not"),
            new Broken("two-commands", "sh '.ci/test it'",
                    "sh '.ci/test it'\n                sh '.ci/test unit'",
                    "stage 'Integration tests' runs [.ci/test it, .ci/test unit]: each stage runs one"),
            new Broken("stand-ins", "    environment {\n",
                    "    environment {\n        HWAAS_REDIS_IMAGE = 'hwaas-standin/redis:2'\n",
                    "the Jenkinsfile uses the stand-in images (HWAAS_REDIS_IMAGE)"),
            new Broken("it-reports-unread", "'*/target/failsafe-reports/TEST-*.xml'",
                    "'**/target/it-reports/*.xml'",
                    "no junit step in a post { always { } } block reads */target/failsafe-reports/TEST-*.xml"),
            new Broken("unit-reports-on-success",
                    "                always {\n                    junit testResults: '*/target/surefire",
                    "                success {\n                    junit testResults: '*/target/surefire",
                    "no junit step in a post { always { } } block reads */target/surefire-reports/TEST-*.xml"),
            new Broken("bench-every-branch", "            when { branch 'main' }\n", "",
                    "stage 'Benchmark' runs on other branches than main"),
            new Broken("bench-not-archived", "archiveArtifacts artifacts: 'bench-report.md'",
                    "archiveArtifacts artifacts: 'bench.md'",
                    "stage 'Benchmark' does not archive bench-report.md"),
            new Broken("no-clean-up", "            sh '.ci/test clean'", "            echo 'done'",
                    "the pipeline's post { always { } } does not remove the workspace's Compose projects"));

    private static String real;
    private static Set<String> commands;

    @BeforeAll
    static void read() throws IOException, InterruptedException {
        real = Files.readString(Repository.root().resolve("Jenkinsfile"), StandardCharsets.UTF_8);
        commands = CiFiles.entryPointCommands();
    }

    @Test
    void theJenkinsfileParsesAndKeepsEveryRule() {
        assertThat(JenkinsfileRules.problems(real, commands)).as("problems in the Jenkinsfile").isEmpty();
    }

    @Test
    void itsStagesRunTheEntryPointsCommandsInOrder() {
        List<JenkinsfileRules.Call> stages = JenkinsfileRules.parseGroovy("Jenkinsfile", real).get(0).children("stages")
                .flatMap(s -> s.children("stage")).toList();

        assertThat(stages).as("the stages' names").extracting(s -> s.argument("name"))
                .containsExactlyElementsOf(JenkinsfileRules.STAGES);
        assertThat(stages).as("the stages' shell steps")
                .extracting(s -> s.children("steps").flatMap(c -> c.within("sh")).map(c -> c.argument("script")).toList())
                .containsExactly(List.of(".ci/test unit"), List.of(".ci/test it"),
                        List.of(".ci/test bench bench-report.md"));
    }

    @TestFactory
    Stream<DynamicTest> everyBrokenFixtureIsRejectedNamingWhatIsWrong() {
        return BROKEN.stream().map(broken -> DynamicTest.dynamicTest(broken.name(), () -> {
            String fixture = broken.applyTo(real);
            assertThat(fixture).as("fixture %s changes text that the Jenkinsfile has once", broken.name()).isNotNull();

            List<String> problems = JenkinsfileRules.problems(fixture, commands);

            assertThat(String.join("\n", problems)).as("fixture %s is rejected naming what is wrong", broken.name())
                    .contains(broken.expected());
        }));
    }
}
