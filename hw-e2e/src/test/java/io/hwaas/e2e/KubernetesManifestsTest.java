package io.hwaas.e2e;

import io.hwaas.common.testing.Command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Kubernetes manifests under {@code deploy/k8s}, checked offline by {@code deploy/validate/k8s.mjs}:
 * every overlay renders with {@code kubectl kustomize} and passes (schemas with unknown fields
 * rejected, restricted Pod Security, HWaaS' own rules on the product's numbers), and every rule fails
 * its broken fixture under {@code deploy/k8s/broken}. kubectl is required, like node and npm.
 */
class KubernetesManifestsTest {
    private static Path k8s;
    private static DeployCheck check;

    @BeforeAll
    static void install() throws IOException, InterruptedException {
        k8s = Repository.root().resolve("deploy").resolve("k8s");
        DeployCheck.require("kubectl", "it renders the kustomize overlays (kubectl 1.27 or later, with kustomize v5 built in)");
        check = new DeployCheck("k8s.mjs", k8s.resolve("broken")).install();
    }

    @Test
    void everyOverlayRendersAndPasses() throws IOException, InterruptedException {
        List<String> overlays;
        try (Stream<Path> dirs = Files.list(k8s.resolve("overlays"))) {
            overlays = dirs.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(overlays).as("overlays under %s", k8s).contains("bundled-redis", "managed-redis", "sentinel-redis");

        Command.Result result = check.check(List.of(), Map.of());

        assertThat(result.exit()).as("k8s.mjs passes every overlay\n%s", result.describe()).isZero();
        for (String overlay : overlays) {
            assertThat(result.out()).as("k8s.mjs reports overlay %s as valid\n%s", overlay, result.describe())
                    .contains("ok   k8s/overlays/" + overlay + ": ");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRuleFailsItsBrokenFixture() throws IOException, InterruptedException {
        return check.everyRuleFails();
    }

    @Test
    void aMissingKubectlFailsNamingIt() throws IOException, InterruptedException {
        Path bin = nodeOnly();
        try {
            Command.Result result = check.check(List.of(), Map.of("PATH", bin.toString()));

            assertThat(result.exit()).as("k8s.mjs without kubectl exits 2 (could not run)\n%s", result.describe()).isEqualTo(2);
            assertThat(result.err()).as("k8s.mjs without kubectl says so").contains("kubectl is not on PATH");
        } finally {
            clean(bin);
        }
    }

    @Test
    void aTooOldKubectlFailsNamingItsVersion() throws IOException, InterruptedException {
        // Debian 12's kubectl is 1.20, whose kustomize v2.0.3 cannot read these kustomizations.
        Path bin = nodeOnly();
        try {
            Files.writeString(bin.resolve("kubectl"), "#!/bin/sh\necho '{\"clientVersion\":{\"major\":\"1\",\"minor\":\"20\","
                    + "\"gitVersion\":\"v1.20.2\"}}'\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(bin.resolve("kubectl"), PosixFilePermissions.fromString("rwxr-xr-x"));

            Command.Result result = check.check(List.of(), Map.of("PATH", bin.toString()));

            assertThat(result.exit()).as("k8s.mjs with kubectl 1.20 exits 2 (could not run)\n%s", result.describe()).isEqualTo(2);
            assertThat(result.err()).as("k8s.mjs names the kubectl version and the one it needs")
                    .contains("kubectl v1.20.2 is too old").contains("kubectl 1.27 or later");
        } finally {
            clean(bin);
        }
    }

    @Test
    void aMissingToolFailsTheTestNamingIt() {
        // The path @BeforeAll takes when node, npm or kubectl is absent: a failure, not a skip.
        assertThatThrownBy(() -> DeployCheck.require("hwaas-no-such-tool", "a test of the message"))
                .as("a tool that is not on PATH fails the test")
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("hwaas-no-such-tool is not on PATH")
                .hasMessageContaining("cannot be checked without it");
    }

    /** A PATH directory holding node and nothing else. Outside a @TempDir, whose clean-up warns about the link. */
    private static Path nodeOnly() throws IOException {
        Path bin = Files.createTempDirectory("hwaas-k8s-bin");
        Files.createSymbolicLink(bin.resolve("node"), DeployCheck.require("node", "it runs the check"));
        return bin;
    }

    private static void clean(Path bin) throws IOException {
        Files.deleteIfExists(bin.resolve("kubectl"));
        Files.deleteIfExists(bin.resolve("node")); // the link, never its target
        Files.delete(bin);
    }
}
