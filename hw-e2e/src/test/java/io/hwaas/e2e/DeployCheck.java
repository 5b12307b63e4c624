package io.hwaas.e2e;

import io.hwaas.common.testing.Command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * One of the offline deployment checks in {@code deploy/validate} ({@code k8s.mjs}, {@code ecs.mjs}),
 * run with node on the facts {@link ProductFacts} reads from the product. Every rule of a check has a
 * broken fixture named after it, and {@link #everyRuleFails} shows each one failing with a message
 * that names its rule: a rule nobody has seen fail is not known to work.
 *
 * <p>node and npm are required: a missing one fails the test, naming it, rather than skipping.
 */
final class DeployCheck {
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CHECK_TIMEOUT = Duration.ofMinutes(3);

    private final String script;
    private final Path fixtures;
    private Path facts;
    private Command.Result brokenRun;

    /** {@code script} in deploy/validate; its broken fixtures, one directory per rule, under {@code fixtures}. */
    DeployCheck(String script, Path fixtures) {
        this.script = script;
        this.fixtures = fixtures;
    }

    static Path dir() {
        return Repository.root().resolve("deploy").resolve("validate");
    }

    static Path require(String tool, String why) {
        Path found = Repository.onPath(tool);
        if (found == null) {
            fail(tool + " is not on PATH (" + System.getenv("PATH") + "); the deployment files cannot be checked"
                    + " without it: " + why);
        }
        return found;
    }

    /** npm ci of the pinned packages (once per lock file), and the product's facts written. */
    DeployCheck install() throws IOException, InterruptedException {
        facts = installAndWriteFacts();
        return this;
    }

    private static synchronized Path installAndWriteFacts() throws IOException, InterruptedException {
        Path npm = require("npm", "it installs the checks' pinned packages (npm ci)");
        require("node", "it runs the checks in deploy/validate (Node 18 or later)");
        Commands.npmCi(dir(), npm, NPM_TIMEOUT);
        return ProductFacts.write();
    }

    /** Runs the check on {@code targets} (none: its defaults) with the product's facts. */
    Command.Result check(List<String> targets, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(require("node", "it runs the check").toString(),
                dir().resolve(script).toString(), "--facts", facts.toString()));
        command.addAll(targets);
        return run(command, env, CHECK_TIMEOUT);
    }

    /** The rules the check declares. */
    List<String> rules() throws IOException, InterruptedException {
        Command.Result out = run(List.of(require("node", "it runs the check").toString(), dir().resolve(script).toString(), "--rules"),
                Map.of(), CHECK_TIMEOUT);
        assertThat(out.exit()).as("%s --rules\n%s", script, out.describe()).isZero();
        return out.out().lines().filter(l -> !l.isBlank()).toList();
    }

    /** One test per fixture: the check fails it with a message naming its rule, and with each line of its expected.txt. */
    Stream<DynamicTest> everyRuleFails() throws IOException, InterruptedException {
        List<Path> dirs;
        try (Stream<Path> entries = Files.list(fixtures)) {
            dirs = entries.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(dirs.stream().map(d -> d.getFileName().toString()).toList())
                .as("one broken fixture under %s per rule of %s, named after it", fixtures, script)
                .containsExactlyInAnyOrderElementsOf(rules());
        brokenRun = check(dirs.stream().map(Path::toString).toList(), Map.of());
        assertThat(brokenRun.exit()).as("%s fails the broken fixtures (exit 1), and could run them all\n%s", script,
                brokenRun.describe()).isEqualTo(1);
        Map<String, String> sections = sections(brokenRun.out());
        return dirs.stream().map(fixture -> DynamicTest.dynamicTest(fixture.getFileName().toString(), () -> {
            String rule = fixture.getFileName().toString();
            String name = Repository.root().resolve("deploy").relativize(fixture).toString();
            String section = sections.get(name);
            assertThat(section).as("%s reports fixture %s\n%s", script, name, brokenRun.describe()).isNotNull();
            assertThat(section).as("fixture %s fails", name).startsWith("FAIL " + name + ": ");
            assertThat(section).as("fixture %s fails with a message naming its rule", name).contains("[" + rule + "]");
            Path expected = fixture.resolve("expected.txt");
            assertThat(expected).as("fixture %s says what it must fail with", fixture).isRegularFile();
            for (String line : Files.readAllLines(expected, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList()) {
                assertThat(section).as("fixture %s fails with the message in expected.txt", name).contains(line);
            }
        }));
    }

    /** A check's output split by target: "ok   NAME: ..." or "FAIL NAME: ..." and the lines under it. */
    static Map<String, String> sections(String stdout) {
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        for (String line : stdout.split("\n", -1)) {
            if (line.startsWith("FAIL ") || line.startsWith("ok   ")) {
                current = line.substring(5, line.indexOf(':'));
                sections.put(current, "");
            }
            if (current != null) {
                sections.merge(current, line + "\n", String::concat);
            }
        }
        return sections;
    }

    private static Command.Result run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        return Command.of(command).in(dir()).env(env).run(timeout);
    }
}
