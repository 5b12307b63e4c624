package io.hwaas.e2e;

import static io.hwaas.e2e.CiFiles.BENCH_REPORT;
import static io.hwaas.e2e.CiFiles.TEST_COMMANDS;
import static io.hwaas.e2e.CiFiles.checkShell;
import static io.hwaas.e2e.CiFiles.entryPointCalls;
import static org.assertj.core.api.Assertions.fail;

import io.hwaas.common.testing.Command;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code .circleci/config.yml} as CircleCI's own parser understood it
 * ({@code .ci/config-check/circleci.mjs}), and the rules HWaaS adds: machine executors, one job
 * per .ci/test command in order, the benchmark on main only with its report stored, the JUnit XML
 * collected and stored also when tests failed, the Maven repository cached by the poms' checksum.
 */
final class CircleCiRules {
    private static final Pattern CHECKSUM = Pattern.compile("\\{\\{\\s*checksum\\s+\"([^\"]+)\"\\s*}}");

    private CircleCiRules() {
    }

    /**
     * Each file's problems: the parser's rejection as the only one, or the rules' on what it parsed.
     * One Node run for all of them.
     */
    static Map<Path, List<String>> problems(Path node, List<Path> configs, Set<String> commands)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(node.toString(),
                Repository.root().resolve(".ci/config-check/circleci.mjs").toString()));
        configs.forEach(c -> command.add(c.toString()));
        Command.Result parsed = Commands.run(command, Repository.root(), Map.of(), CiFiles.PARSE_TIMEOUT);
        if (parsed.exit() != 0 && parsed.exit() != 1) {
            fail("circleci.mjs could not run\n" + parsed.describe());
        }
        Map<Path, List<String>> problems = new LinkedHashMap<>();
        for (Path config : configs) {
            String ok = "ok   " + config + ": ";
            String rejected = "FAIL " + config + ": ";
            String line = parsed.out().lines().filter(l -> l.startsWith(ok) || l.startsWith(rejected))
                    .findFirst().orElseThrow(() -> new AssertionError("circleci.mjs says nothing of " + config + "\n"
                            + parsed.describe()));
            problems.put(config, line.startsWith(rejected)
                    ? List.of("CircleCI's parser rejects it: " + line.substring(rejected.length()))
                    : rules(new ObjectMapper().readTree(line.substring(ok.length())), commands));
        }
        return problems;
    }

    /** A job's step: its type ("checkout", "run", "store_test_results"...) and what it was given. */
    private record Step(String type, JsonNode body) {
        /** The shell a run step runs, else "". */
        String shell() {
            return !type.equals("run") ? "" : body.isTextual() ? body.asText() : body.path("command").asText();
        }

        String field(String name) {
            return body.path(name).asText();
        }

        boolean calls(String call) {
            return entryPointCalls(shell()).contains(call);
        }
    }

    /** A job's steps, each reused command replaced by its own steps. */
    private static List<Step> steps(JsonNode job, JsonNode commands) {
        List<Step> steps = new ArrayList<>();
        for (JsonNode step : job.path("steps")) {
            String type = step.isTextual() ? step.asText() : step.fieldNames().next();
            if (commands.has(type)) {
                steps.addAll(steps(commands.get(type), commands));
            } else {
                steps.add(new Step(type, step.isTextual() ? step : step.get(type)));
            }
        }
        return steps;
    }

    /** The steps after the one that makes {@code call}. */
    private static List<Step> after(List<Step> steps, String call) {
        int at = 0;
        while (at < steps.size() && !steps.get(at).calls(call)) {
            at++;
        }
        return steps.subList(Math.min(at + 1, steps.size()), steps.size());
    }

    static List<String> rules(JsonNode config, Set<String> commands) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Step>> jobs = new LinkedHashMap<>();
        config.path("jobs").properties().forEach(e -> jobs.put(e.getKey(), steps(e.getValue(), config.path("commands"))));

        for (var job : jobs.entrySet()) {
            JsonNode spec = config.path("jobs").get(job.getKey());
            JsonNode executor = spec.has("executor")
                    ? config.path("executors").path(spec.path("executor").path("name").asText()) : spec;
            if (!executor.has("machine")) {
                problems.add("job " + job.getKey() + " does not run on a machine executor: the integration tests need"
                        + " a Docker engine of their own");
            }
            job.getValue().forEach(step -> checkShell("job " + job.getKey(), step.shell(), commands, problems));
        }

        // One job per test command, found by the command it runs.
        List<String> order = new ArrayList<>();
        for (String call : TEST_COMMANDS) {
            List<String> running = jobs.entrySet().stream()
                    .filter(j -> j.getValue().stream().anyMatch(s -> s.calls(call))).map(Map.Entry::getKey).toList();
            if (running.size() != 1) {
                problems.add((running.isEmpty() ? "no job runs `" : "more than one job runs `") + call + "` " + running);
                return problems;
            }
            order.add(running.get(0));
        }
        String unit = order.get(0);
        String it = order.get(1);
        String bench = order.get(2);

        testReportRules(unit, after(jobs.get(unit), TEST_COMMANDS.get(0)), TEST_COMMANDS.get(0), problems);
        testReportRules(it, after(jobs.get(it), TEST_COMMANDS.get(1)), TEST_COMMANDS.get(1), problems);
        mavenCacheRules(jobs, unit, it, problems);
        if (after(jobs.get(bench), TEST_COMMANDS.get(2)).stream()
                .noneMatch(s -> s.type().equals("store_artifacts") && s.field("path").equals(BENCH_REPORT))) {
            problems.add("job " + bench + " does not store " + BENCH_REPORT + " as an artifact (store_artifacts)");
        }
        workflowRules(config.path("workflows"), unit, it, bench, problems);
        return problems;
    }

    /** The reports are collected even when tests failed, then stored from where they were put. */
    private static void testReportRules(String job, List<Step> after, String call, List<String> problems) {
        String collected = null;
        for (Step step : after) {
            for (String c : entryPointCalls(step.shell())) {
                String[] words = c.split("\\s+");
                if (words[1].equals("collect") && words.length == 3 && step.field("when").equals("always")) {
                    collected = words[2];
                }
            }
        }
        if (collected == null) {
            problems.add("job " + job + " does not collect its JUnit XML reports after `" + call + "` with"
                    + " `.ci/test collect DIR` in a step that runs `when: always`");
            return;
        }
        String dir = collected;
        if (after.stream().noneMatch(s -> s.type().equals("store_test_results") && s.field("path").equals(dir))) {
            problems.add("job " + job + " collects its reports into " + dir + " but stores no test results from there"
                    + " (store_test_results with path " + dir + ")");
        }
    }

    /**
     * Both test jobs restore the Maven repository under the checksum of a file that a step before
     * writes from the parent pom and every module's; one of them saves it under that key.
     */
    private static void mavenCacheRules(Map<String, List<Step>> jobs, String unit, String it, List<String> problems) {
        String key = null;
        for (String job : List.of(unit, it)) {
            List<Step> steps = jobs.get(job);
            int restore = 0;
            while (restore < steps.size() && !steps.get(restore).type().equals("restore_cache")) {
                restore++;
            }
            String first = restore == steps.size() ? "" : steps.get(restore).body().path("keys").path(0).asText();
            Matcher checksum = CHECKSUM.matcher(first);
            String file = checksum.find() ? checksum.group(1) : null;
            Pattern writes = Pattern.compile("(?s).*>\\s*" + Pattern.quote(String.valueOf(file)) + "\\b.*");
            boolean fromPoms = file != null && steps.subList(0, restore).stream().map(Step::shell)
                    .anyMatch(c -> c.contains(" pom.xml ") && c.contains(" */pom.xml") && writes.matcher(c).matches());
            if (!fromPoms) {
                problems.add("job " + job + " does not restore the Maven repository under the checksum of every pom"
                        + " (restore_cache key '" + first + "', from a file a step before it writes from pom.xml"
                        + " */pom.xml)");
            }
            key = key == null ? first : key;
        }
        String restored = key;
        boolean saved = Stream.of(unit, it).flatMap(j -> jobs.get(j).stream())
                .anyMatch(s -> s.type().equals("save_cache") && s.field("key").equals(restored)
                        && s.body().path("paths").toString().contains("\"~/.m2/repository\""));
        if (!saved) {
            problems.add("no test job saves ~/.m2/repository under the key it restores (" + restored + ")");
        }
    }

    private static void workflowRules(JsonNode workflows, String unit, String it, String bench, List<String> problems) {
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        workflows.properties().forEach(w -> w.getValue().path("jobs").forEach(j -> {
            String name = j.isTextual() ? j.asText() : j.fieldNames().next();
            entries.put(name, j.isTextual() ? JsonNodeFactory.instance.objectNode() : j.get(name));
        }));
        for (String job : List.of(unit, it, bench)) {
            if (!entries.containsKey(job)) {
                problems.add("no workflow runs job " + job);
                return;
            }
        }
        requires(entries, it, unit, "the Docker-backed tests run once the unit tests pass", problems);
        requires(entries, bench, it, "the benchmark runs once every test passed", problems);
        JsonNode only = entries.get(bench).path("filters").path("branches").path("only");
        if (!(only.asText().equals("main") || only.size() == 1 && only.path(0).asText().equals("main"))) {
            problems.add("job " + bench + " runs on other branches than main (filters: branches: only: main)");
        }
        for (String job : List.of(unit, it)) {
            if (entries.get(job).has("filters")) {
                problems.add("job " + job + " is filtered: the tests run on every branch");
            }
        }
    }

    private static void requires(Map<String, JsonNode> entries, String job, String needed, String why,
            List<String> problems) {
        if (!entries.get(job).path("requires").toString().contains("\"" + needed + "\"")) {
            problems.add("job " + job + " does not require " + needed + ": " + why);
        }
    }
}
