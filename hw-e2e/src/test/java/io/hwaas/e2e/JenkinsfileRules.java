package io.hwaas.e2e;

import static io.hwaas.e2e.CiFiles.BENCH_REPORT;
import static io.hwaas.e2e.CiFiles.IT_REPORTS;
import static io.hwaas.e2e.CiFiles.TEST_COMMANDS;
import static io.hwaas.e2e.CiFiles.UNIT_REPORTS;
import static io.hwaas.e2e.CiFiles.checkShell;
import static io.hwaas.e2e.CiFiles.entryPointCalls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MapEntryExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.Phases;

/**
 * The {@code Jenkinsfile} parsed by Groovy's own parser (to its syntax tree, so nothing of it
 * runs) and read as the declarative pipeline's calls, and the rules HWaaS adds: an agent with
 * Docker, the three stages each running one .ci/test command in order, junit on both report
 * globs, the benchmark on main only with its report archived, the workspace's Compose projects
 * removed in {@code post { always }}.
 */
final class JenkinsfileRules {
    static final List<String> STAGES = List.of("Unit tests", "Integration tests", "Benchmark");

    private JenkinsfileRules() {
    }

    /** A call in the Jenkinsfile's DSL: {@code name(args, key: value) { body }}. */
    record Call(String name, List<String> args, Map<String, String> named, List<Call> body) {
        Stream<Call> children(String child) {
            return body.stream().filter(c -> c.name.equals(child));
        }

        Stream<Call> descendants() {
            return Stream.concat(Stream.of(this), body.stream().flatMap(Call::descendants));
        }

        /** The calls named {@code name} anywhere inside this one (or this one itself). */
        Stream<Call> within(String name) {
            return descendants().filter(c -> c.name.equals(name));
        }

        /** Its first argument or, for {@code sh(script: ...)} and the like, that named one. */
        String argument(String named) {
            return !args.isEmpty() ? args.get(0) : this.named.getOrDefault(named, "");
        }
    }

    /** The top-level calls of a Groovy script; throws with Groovy's message when it does not parse. */
    static List<Call> parseGroovy(String name, String text) {
        CompilationUnit unit = new CompilationUnit();
        unit.addSource(name, text);
        unit.compile(Phases.CONVERSION);
        return calls(unit.getAST().getModules().get(0).getStatementBlock());
    }

    private static List<Call> calls(BlockStatement block) {
        List<Call> calls = new ArrayList<>();
        for (Statement statement : block.getStatements()) {
            if (statement instanceof ExpressionStatement e && e.getExpression() instanceof MethodCallExpression call) {
                calls.add(call(call));
            }
        }
        return calls;
    }

    private static Call call(MethodCallExpression call) {
        List<String> args = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        List<Call> body = List.of();
        Expression arguments = call.getArguments();
        List<Expression> list = arguments instanceof TupleExpression t ? t.getExpressions() : List.of(arguments);
        for (Expression e : list) {
            if (e instanceof MapExpression map) {
                for (MapEntryExpression entry : map.getMapEntryExpressions()) {
                    named.put(entry.getKeyExpression().getText(), entry.getValueExpression().getText());
                }
            } else if (e instanceof ClosureExpression closure && closure.getCode() instanceof BlockStatement block) {
                body = calls(block);
            } else {
                args.add(e.getText());
            }
        }
        return new Call(call.getMethodAsString(), args, named, body);
    }

    static List<String> problems(String text, Set<String> commands) {
        List<Call> top;
        try {
            top = parseGroovy("Jenkinsfile", text);
        } catch (CompilationFailedException e) {
            return List.of("the Jenkinsfile does not parse as Groovy: " + e.getMessage().strip());
        }
        List<Call> pipelines = top.stream().filter(c -> c.name().equals("pipeline")).toList();
        if (pipelines.size() != 1) {
            return List.of("the Jenkinsfile has " + pipelines.size() + " pipeline { } blocks: it must be one"
                    + " declarative pipeline");
        }
        Call pipeline = pipelines.get(0);
        List<String> problems = new ArrayList<>();
        if (pipeline.children("agent").flatMap(a -> a.within("label"))
                .noneMatch(l -> l.argument("label").contains("docker"))) {
            problems.add("the pipeline's agent is not one with Docker (agent { label 'docker' })");
        }
        stageRules(pipeline, commands, problems);

        Set<String> reports = new LinkedHashSet<>();
        pipeline.within("always").flatMap(a -> a.within("junit")).map(j -> j.argument("testResults").split(","))
                .flatMap(Stream::of).map(String::strip).forEach(reports::add);
        for (String wanted : List.of(UNIT_REPORTS, IT_REPORTS)) {
            if (!reports.contains(wanted)) {
                problems.add("no junit step in a post { always { } } block reads " + wanted + " (they read " + reports
                        + ")");
            }
        }
        if (pipeline.children("post").flatMap(p -> p.children("always")).flatMap(a -> a.within("sh"))
                .noneMatch(sh -> sh.argument("script").strip().equals(".ci/test clean"))) {
            problems.add("the pipeline's post { always { } } does not remove the workspace's Compose projects"
                    + " (sh '.ci/test clean')");
        }
        Matcher standIns = CiFiles.STAND_INS.matcher(text);
        if (standIns.find()) {
            problems.add("the Jenkinsfile uses the stand-in images (" + standIns.group() + "): CI builds on the"
                    + " official ones");
        }
        return problems;
    }

    /** The stages by name, each running one .ci/test command, in order; the benchmark on main, archived. */
    private static void stageRules(Call pipeline, Set<String> commands, List<String> problems) {
        List<Call> stages = pipeline.children("stages").flatMap(s -> s.children("stage")).toList();
        List<String> names = stages.stream().map(s -> s.argument("name")).toList();
        if (!names.equals(STAGES)) {
            problems.add("the stages are " + names + ", not " + STAGES);
        }
        List<String> calls = new ArrayList<>();
        for (Call stage : stages) {
            String where = "stage '" + stage.argument("name") + "'";
            List<String> stageCalls = new ArrayList<>();
            stage.children("steps").flatMap(s -> s.within("sh")).forEach(sh -> {
                checkShell(where, sh.argument("script"), commands, problems);
                stageCalls.addAll(entryPointCalls(sh.argument("script")));
            });
            if (stageCalls.size() != 1) {
                problems.add(where + " runs " + stageCalls + ": each stage runs one .ci/test command");
            }
            if (stageCalls.contains(TEST_COMMANDS.get(2))) {
                if (stage.children("when").flatMap(w -> w.children("branch"))
                        .noneMatch(b -> b.argument("pattern").equals("main"))) {
                    problems.add(where + " runs on other branches than main (when { branch 'main' })");
                }
                if (stage.within("archiveArtifacts").noneMatch(a -> a.argument("artifacts").equals(BENCH_REPORT))) {
                    problems.add(where + " does not archive " + BENCH_REPORT + " (archiveArtifacts)");
                }
            }
            calls.addAll(stageCalls);
        }
        if (!calls.equals(TEST_COMMANDS)) {
            problems.add("the stages run " + calls + ", not " + TEST_COMMANDS + " in this order");
        }
    }
}
