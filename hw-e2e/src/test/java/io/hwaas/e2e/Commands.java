package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.hwaas.common.testing.Command;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Commands the unit tests run: a tool required on PATH, a command run to its end with what it
 * printed, and a Node.js folder's pinned packages installed with {@code npm ci}.
 */
final class Commands {
    // Written into node_modules after npm ci: a changed package.json or lock file means reinstall.
    private static final String INSTALLED_MARKER = ".hwaas-installed";

    private Commands() {
    }

    /**
     * The tool on PATH, or a failure naming it: skipping instead would let a machine without it
     * report green while nothing was checked.
     */
    static Path require(String tool, String checked, String why) {
        Path found = Repository.onPath(tool);
        if (found == null) {
            fail(tool + " is not on PATH (" + System.getenv("PATH") + "); " + checked + " cannot be checked"
                    + " without it: " + why);
        }
        return found;
    }

    /** Runs {@code command} in {@code dir} with {@code env} added, to its end. */
    static Command.Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        return Command.of(command).in(dir).env(env).run(timeout);
    }

    /**
     * {@code npm ci} in {@code dir} unless its node_modules already holds what package.json and
     * package-lock.json name; offline once installed.
     */
    static void npmCi(Path dir, Path npm, Duration timeout) throws IOException, InterruptedException {
        String wanted = fingerprint(dir);
        Path marker = dir.resolve("node_modules").resolve(INSTALLED_MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).strip().equals(wanted)) {
            return;
        }
        // --ignore-scripts: none of these packages needs an install script, so none runs code in the build.
        Command.Result ci = run(List.of(npm.toString(), "ci", "--no-audit", "--no-fund", "--ignore-scripts"), dir, Map.of(),
                timeout);
        assertThat(ci.exit()).as("npm ci in %s installs the pinned packages of package-lock.json\n%s", dir,
                ci.describe()).isZero();
        Files.writeString(marker, wanted + "\n", StandardCharsets.UTF_8);
    }

    private static String fingerprint(Path dir) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Files.readAllBytes(dir.resolve("package.json")));
            digest.update(Files.readAllBytes(dir.resolve("package-lock.json")));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
