package io.hwaas.e2e;

import static io.hwaas.e2e.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Kubernetes manifests under {@code deploy/k8s}, checked offline: every overlay renders with
 * {@code kubectl kustomize} and passes {@code deploy/k8s/validate/validate.mjs} (schemas of every
 * kind, unknown fields included, then the policies), and every deliberately broken fixture under
 * {@code validate/broken} fails with the message its {@code expected.txt} names, which is what shows
 * that each check can fail at all.
 *
 * <p>node, npm and kubectl are required: a missing one fails here, naming it. Skipping instead
 * would let a machine without them report green while nothing was checked.
 */
class KubernetesManifestsTest {
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration VALIDATE_TIMEOUT = Duration.ofMinutes(3);

    private static Path k8s;
    private static Path validator;
    private static Path node;
    private static Outcome brokenRun;


    private static Path require(String tool, String why) {
        return Commands.require(tool, "the Kubernetes manifests", why);
    }

    @BeforeAll
    static void installValidator() throws IOException, InterruptedException {
        k8s = Repository.root().resolve("deploy").resolve("k8s");
        validator = k8s.resolve("validate");
        node = require("node", "it runs deploy/k8s/validate/validate.mjs (Node 20 or later)");
        Path npm = require("npm", "it installs the validator's pinned schema packages (npm ci)");
        require("kubectl", "it renders the kustomize overlays (kubectl 1.27 or later, with kustomize v5 built in)");
        Commands.npmCi(validator, npm, NPM_TIMEOUT);
    }

    private static Outcome validate(List<String> targets, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(node.toString(), validator.resolve("validate.mjs").toString()));
        command.addAll(targets);
        return run(command, k8s, env, VALIDATE_TIMEOUT);
    }

    private static List<Path> directories(Path parent) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void everyOverlayRendersAndPassesSchemaAndPolicyChecks() throws IOException, InterruptedException {
        List<Path> overlays = directories(k8s.resolve("overlays"));
        assertThat(overlays).as("overlays under %s", k8s).extracting(p -> p.getFileName().toString())
                .contains("bundled-redis", "managed-redis", "sentinel-redis");

        Outcome result = validate(List.of(), Map.of());

        assertThat(result.exit()).as("validate.mjs passes every overlay\n%s", result.describe()).isZero();
        for (Path overlay : overlays) {
            assertThat(result.stdout()).as("validate.mjs reports overlay %s as valid\n%s", overlay.getFileName(),
                    result.describe()).contains("ok   overlays/" + overlay.getFileName() + ": ");
        }
    }

    /** One validator run over every fixture (one Node start instead of one each), split by its headers. */
    private static Map<String, String> brokenSections() throws IOException, InterruptedException {
        if (brokenRun == null) {
            List<String> targets = directories(validator.resolve("broken")).stream().map(Path::toString).toList();
            brokenRun = validate(targets, Map.of());
        }
        assertThat(brokenRun.exit()).as("validate.mjs fails the broken fixtures (exit 1), and could run them all\n%s",
                brokenRun.describe()).isEqualTo(1);
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : brokenRun.stdout().split("\n", -1)) {
            if (line.startsWith("FAIL ") || line.startsWith("ok   ")) {
                if (current != null) {
                    sections.put(current, text.toString());
                }
                current = line.substring(5, line.indexOf(':'));
                text.setLength(0);
            }
            text.append(line).append('\n');
        }
        if (current != null) {
            sections.put(current, text.toString());
        }
        return sections;
    }

    @TestFactory
    Stream<DynamicTest> everyBrokenFixtureFailsWithItsExpectedMessage() throws IOException {
        List<Path> fixtures = directories(validator.resolve("broken"));
        assertThat(fixtures).as("broken fixtures under %s", validator.resolve("broken")).isNotEmpty();
        return fixtures.stream().map(fixture -> DynamicTest.dynamicTest(fixture.getFileName().toString(), () -> {
            Path expectedFile = fixture.resolve("expected.txt");
            assertThat(expectedFile).as("fixture %s says what it must fail with", fixture).isRegularFile();
            List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).toList();
            assertThat(expected).as("%s names at least one expected message", expectedFile).isNotEmpty();
            String name = "validate/broken/" + fixture.getFileName();
            String section = brokenSections().get(name);
            assertThat(section).as("validate.mjs reports fixture %s\n%s", name, brokenRun.describe()).isNotNull();
            assertThat(section).as("fixture %s fails validation", name).startsWith("FAIL " + name + ": ");
            for (String message : expected) {
                assertThat(section).as("fixture %s fails with the message in expected.txt", name).contains(message);
            }
        }));
    }

    @Test
    void aMissingKubectlFailsNamingIt() throws IOException, InterruptedException {
        // A PATH holding node and nothing else, so that kubectl cannot be found whatever this machine
        // has. Outside a @TempDir, whose clean-up warns about a link to a file outside it.
        Path bin = Files.createTempDirectory("hwaas-k8s-bin");
        try {
            Files.createSymbolicLink(bin.resolve("node"), node);

            Outcome result = validate(List.of(), Map.of("PATH", bin.toString()));

            assertThat(result.exit()).as("validate.mjs without kubectl exits 2 (could not run)\n%s", result.describe())
                    .isEqualTo(2);
            assertThat(result.stderr()).as("validate.mjs without kubectl says so").contains("kubectl is not on PATH");
            assertThat(result.stdout()).as("validate.mjs without kubectl reports no overlay as valid")
                    .doesNotContain("ok   ");
        } finally {
            Files.deleteIfExists(bin.resolve("node")); // the link, never its target
            Files.delete(bin);
        }
    }

    @Test
    void aTooOldKubectlFailsNamingItsVersion() throws IOException, InterruptedException {
        // Debian 12's kubectl is 1.20, whose kustomize v2.0.3 cannot read these kustomizations: the
        // validator must say that, not fail on a kustomize parse error. A stand-in answers as 1.20.
        Path bin = Files.createTempDirectory("hwaas-k8s-bin");
        Path kubectl = bin.resolve("kubectl");
        try {
            Files.createSymbolicLink(bin.resolve("node"), node);
            Files.writeString(kubectl, "#!/bin/sh\necho '{\"clientVersion\":{\"major\":\"1\",\"minor\":\"20\","
                    + "\"gitVersion\":\"v1.20.2\"}}'\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));

            Outcome result = validate(List.of(), Map.of("PATH", bin.toString()));

            assertThat(result.exit()).as("validate.mjs with kubectl 1.20 exits 2 (could not run)\n%s", result.describe())
                    .isEqualTo(2);
            assertThat(result.stderr()).as("validate.mjs names the kubectl version and the one it needs")
                    .contains("kubectl v1.20.2 is too old").contains("kubectl 1.27 or later");
        } finally {
            Files.deleteIfExists(kubectl);
            Files.deleteIfExists(bin.resolve("node")); // the link, never its target
            Files.delete(bin);
        }
    }

    @Test
    void aMissingToolFailsTheTestNamingIt() {
        // The path @BeforeAll takes when node, npm or kubectl is absent: a failure, not a skip.
        assertThatThrownBy(() -> require("hwaas-no-such-tool", "a test of the message"))
                .as("a tool that is not on PATH fails the test")
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("hwaas-no-such-tool is not on PATH")
                .hasMessageContaining("cannot be checked without it");
    }
}
