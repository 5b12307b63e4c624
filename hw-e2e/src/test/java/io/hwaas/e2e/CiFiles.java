package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.fail;

import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What CI's two files share, checked here because neither CircleCI nor Jenkins runs on this
 * machine ({@link CircleCiRules}, {@link JenkinsfileRules}): they run the tests through the one
 * entry point, {@code .ci/test}, each of its commands once and in the same order, and read the
 * JUnit XML reports where Surefire and Failsafe write them. A rule's problem is one sentence
 * naming what is wrong.
 */
final class CiFiles {
    static final String UNIT_REPORTS = "*/target/surefire-reports/TEST-*.xml";
    static final String IT_REPORTS = "*/target/failsafe-reports/TEST-*.xml";
    static final String BENCH_REPORT = "bench-report.md";
    /** The .ci/test commands CI runs, one job or stage each, in this order. */
    static final List<String> TEST_COMMANDS = List.of(".ci/test unit", ".ci/test it", ".ci/test bench " + BENCH_REPORT);

    /** The stand-in images are this machine's: CI builds on the official ones. */
    static final Pattern STAND_INS = Pattern.compile("HWAAS_\\w+_IMAGE\\b|\\.ci/standins");
    static final Duration PARSE_TIMEOUT = Duration.ofMinutes(1);
    private static final Pattern ENTRY_POINT = Pattern.compile("\\.ci/test\\s+([\\w-]+)[^\\n;&|]*");
    private static final Pattern MAVEN = Pattern.compile("(^|[\\s;&|(])(\\./)?mvnw?\\s");

    private CiFiles() {
    }

    /** A broken fixture: the real file with {@code from}, which it has once, replaced by {@code to}. */
    record Broken(String name, String from, String to, String expected) {
        /** The fixture's text, or null when the real file no longer has {@code from} exactly once. */
        String applyTo(String real) {
            return real.split(Pattern.quote(from), -1).length == 2 ? real.replace(from, to) : null;
        }
    }

    /** The commands .ci/test has, from its usage ({@code .ci/test NAME ...} lines). */
    static Set<String> entryPointCommands() throws IOException, InterruptedException {
        Path root = Repository.root();
        Command.Result usage = Commands.run(List.of("bash", root.resolve(".ci/test").toString(), "--help"), root, Map.of(),
                PARSE_TIMEOUT);
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\.ci/test ([\\w-]+)").matcher(usage.out());
        while (m.find()) {
            names.add(m.group(1));
        }
        if (usage.exit() != 0 || names.isEmpty()) {
            fail(".ci/test --help lists no command\n" + usage.describe());
        }
        return names;
    }

    /** The .ci/test calls in a shell command, each as written (".ci/test bench bench-report.md"). */
    static List<String> entryPointCalls(String shell) {
        List<String> calls = new ArrayList<>();
        Matcher m = ENTRY_POINT.matcher(shell);
        while (m.find()) {
            calls.add(m.group().strip());
        }
        return calls;
    }

    /** A CI step's shell: no Maven of its own, only commands .ci/test has, no stand-in images. */
    static void checkShell(String where, String shell, Set<String> commands, List<String> problems) {
        if (MAVEN.matcher(shell).find()) {
            problems.add(where + " runs Maven itself (" + shell.strip() + "): tests go through .ci/test, the entry"
                    + " point .ci/run, CircleCI and Jenkins share");
        }
        for (String call : entryPointCalls(shell)) {
            String name = call.split("\\s+")[1];
            if (!commands.contains(name)) {
                problems.add(where + " calls `" + call + "`, which .ci/test does not have (it has " + commands + ")");
            }
        }
        Matcher standIns = STAND_INS.matcher(shell);
        if (standIns.find()) {
            problems.add(where + " uses the stand-in images (" + standIns.group() + "): CI builds on the official ones");
        }
    }
}
