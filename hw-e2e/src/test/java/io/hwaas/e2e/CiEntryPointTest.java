package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .ci/test}, the one entry point: which Maven run each command makes, and the check that
 * every test class left its JUnit XML report where CircleCI and Jenkins read it. It runs in a
 * checkout of its own (a copy of the script, two modules, and an {@code ./mvnw} that records its
 * arguments and writes the reports a real run would), so nothing here runs Maven or Docker.
 */
class CiEntryPointTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    // What the stand-in ./mvnw writes for each kind, one report per class (REPORTS=skip writes none).
    private static final String FAKE_MAVEN = """
            #!/usr/bin/env bash
            set -euo pipefail
            echo "$*" >>maven-calls
            write() { mkdir -p "$1"; echo "<testsuite name=\\"$2\\" tests=\\"2\\" failures=\\"0\\"/>" >"$1/TEST-$2.xml"; }
            [[ "${REPORTS:-}" == skip ]] && exit 0
            if [[ " $* " != *" -DskipTests "* ]]; then
              write common/target/surefire-reports io.hwaas.common.ATest
              write e2e/target/surefire-reports io.hwaas.e2e.BTest
            fi
            if [[ " $* " != *" -DskipITs "* ]]; then
              write e2e/target/failsafe-reports io.hwaas.e2e.CIT
            fi
            """;

    @TempDir
    Path checkout;

    @BeforeEach
    void fakeCheckout() throws IOException {
        Files.createDirectories(checkout.resolve(".ci"));
        Files.copy(Repository.root().resolve(".ci/test"), checkout.resolve(".ci/test"), StandardCopyOption.COPY_ATTRIBUTES);
        write("mvnw", FAKE_MAVEN);
        Files.setPosixFilePermissions(checkout.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write("common/pom.xml", "<project/>");
        write("common/src/test/java/io/hwaas/common/ATest.java", "");
        write("e2e/pom.xml", "<project/>");
        write("e2e/src/test/java/io/hwaas/e2e/BTest.java", "");
        write("e2e/src/test/java/io/hwaas/e2e/CIT.java", "");
    }

    private void write(String file, String text) throws IOException {
        Path path = checkout.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text, StandardCharsets.UTF_8);
    }

    private Command.Result ciTest(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", checkout.resolve(".ci/test").toString()));
        command.addAll(List.of(args));
        return Commands.run(command, checkout, env, TIMEOUT);
    }

    private List<String> mavenCalls() throws IOException {
        return Files.readAllLines(checkout.resolve("maven-calls"), StandardCharsets.UTF_8);
    }

    @Test
    void unitAndItSplitWhatAllRunsBetweenSurefireAndFailsafe() throws Exception {
        Command.Result unit = ciTest(Map.of(), "unit");
        Command.Result it = ciTest(Map.of(), "it");
        Command.Result all = ciTest(Map.of(), "all");

        assertThat(unit.exit()).as("unit\n%s", unit.describe()).isZero();
        assertThat(it.exit()).as("it\n%s", it.describe()).isZero();
        assertThat(all.exit()).as("all\n%s", all.describe()).isZero();
        assertThat(mavenCalls()).as("the Maven runs of unit, it and all").containsExactly(
                "-B -ntp verify -DskipITs", "-B -ntp verify -DskipTests -DskipITs=false", "-B -ntp verify");
        assertThat(unit.out()).as("unit reports what it found").contains(
                "2 JUnit XML reports (4 tests) in */target/surefire-reports/TEST-*.xml");
        assertThat(it.out()).as("it reports what it found").contains(
                "1 JUnit XML reports (2 tests) in */target/failsafe-reports/TEST-*.xml");
    }

    @Test
    void aTestClassWithoutItsReportFailsNamingIt() throws Exception {
        ciTest(Map.of(), "unit");
        Files.delete(checkout.resolve("e2e/target/surefire-reports/TEST-io.hwaas.e2e.BTest.xml"));

        Command.Result result = ciTest(Map.of(), "reports", "unit");

        assertThat(result.exit()).as("reports unit without BTest's report\n%s", result.describe()).isEqualTo(1);
        assertThat(result.err()).contains("no JUnit XML report for io.hwaas.e2e.BTest: "
                + "e2e/target/surefire-reports/TEST-io.hwaas.e2e.BTest.xml is missing or empty");
    }

    @Test
    void anEmptyReportFails() throws Exception {
        ciTest(Map.of(), "it");
        Files.writeString(checkout.resolve("e2e/target/failsafe-reports/TEST-io.hwaas.e2e.CIT.xml"), "");

        Command.Result result = ciTest(Map.of(), "reports", "it");

        assertThat(result.exit()).as("reports it with an empty report\n%s", result.describe()).isEqualTo(1);
        assertThat(result.err()).contains("TEST-io.hwaas.e2e.CIT.xml is missing or empty");
    }

    @Test
    void reportsOfAnEarlierRunDoNotPassForThisOne() throws Exception {
        ciTest(Map.of(), "all");

        // Maven "passes" but writes nothing: the reports left from the first run must not count.
        Command.Result result = ciTest(Map.of("REPORTS", "skip"), "unit");

        assertThat(result.exit()).as("unit whose Maven run wrote no report\n%s", result.describe()).isEqualTo(1);
        assertThat(result.err()).contains("no JUnit XML report for io.hwaas.common.ATest")
                .contains("2 report(s) missing");
        assertThat(checkout.resolve("e2e/target/failsafe-reports/TEST-io.hwaas.e2e.CIT.xml"))
                .as("unit leaves Failsafe's reports alone").isRegularFile();
    }

    @Test
    void collectCopiesEveryReportPerModuleForCircleCi() throws Exception {
        ciTest(Map.of(), "all");

        Command.Result result = ciTest(Map.of(), "collect", "test-results");

        assertThat(result.exit()).as("collect\n%s", result.describe()).isZero();
        assertThat(result.out()).contains("copied 3 JUnit XML report(s) into test-results");
        assertThat(checkout.resolve("test-results/common/surefire-reports/TEST-io.hwaas.common.ATest.xml")).isRegularFile();
        assertThat(checkout.resolve("test-results/e2e/failsafe-reports/TEST-io.hwaas.e2e.CIT.xml")).isRegularFile();
    }

    @Test
    void badArgumentsGetUsage() throws Exception {
        for (List<String> args : List.of(List.<String>of(), List.of("units"), List.of("unit", "extra"),
                List.of("reports"), List.of("reports", "smoke"), List.of("collect"))) {
            Command.Result result = ciTest(Map.of(), args.toArray(String[]::new));

            assertThat(result.exit()).as(".ci/test %s exits 2\n%s", args, result.describe()).isEqualTo(2);
            assertThat(result.err()).as(".ci/test %s prints the usage", args).contains(".ci/test unit");
        }
        assertThat(checkout.resolve("maven-calls")).as("no bad call ran Maven").doesNotExist();
    }

    @Test
    void ciRunRunsTheSuiteThroughTheEntryPointAndShellchecksIt() throws IOException {
        String run = Files.readString(Repository.root().resolve(".ci/run"), StandardCharsets.UTF_8);

        assertThat(CiFiles.entryPointCalls(run)).as(".ci/run's calls of .ci/test").contains(".ci/test all");
        assertThat(run.lines().filter(l -> l.contains("shellcheck -S warning"))).as(".ci/run's shellcheck line")
                .singleElement().asString().contains(" .ci/test ");
        assertThat(run.lines().map(String::strip).filter(l -> !l.startsWith("#") && !l.startsWith("echo "))
                .filter(l -> l.matches(".*\\./mvnw\\s.*")))
                .as("the only Maven run .ci/run makes itself is a chosen IT again (-Dit.test=), under docker-compose 1.29")
                .allSatisfy(l -> assertThat(l).contains("-Dit.test="));
    }
}
