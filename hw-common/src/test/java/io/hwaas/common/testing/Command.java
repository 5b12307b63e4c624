package io.hwaas.common.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command a test runs: the one place tests start processes. Output goes to files, not pipes
 * (a chatty command can fill a pipe and block before it exits); standard input is empty unless
 * given. A command still running at its timeout is killed, and the test fails saying so.
 *
 * <pre>{@code
 * Command.Result r = Command.of("docker", "ps").in(dir).env(Map.of("DOCKER_HOST", host)).run(Duration.ofSeconds(30));
 * }</pre>
 */
public final class Command {
    /** How a command ended: its exit status and what it printed. */
    public record Result(int exit, String out, String err) {
        /** Both outputs, for an assertion's message. */
        public String all() {
            return out + err;
        }

        /** All of it, labelled, for an assertion's message. */
        public String describe() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final List<String> command;
    private Path dir;
    private boolean inherit = true;
    private Predicate<String> unset = name -> false;
    private final Map<String, String> env = new HashMap<>();
    private byte[] input;

    private Command(List<String> command) {
        this.command = List.copyOf(command);
    }

    public static Command of(String... command) {
        return new Command(List.of(command));
    }

    public static Command of(List<String> command) {
        return new Command(command);
    }

    /** A JVM with this test's class path running {@code mainClass}, with {@code jvmOptions} first. */
    public static Command java(List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new Command(command);
    }

    /** Runs it in {@code directory} (default: this JVM's). */
    public Command in(Path directory) {
        this.dir = directory;
        return this;
    }

    /** Sets these variables, over what it inherits. */
    public Command env(Map<String, String> vars) {
        env.putAll(vars);
        return this;
    }

    public Command env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Inherits none of this JVM's environment, only what {@link #env} sets. */
    public Command onlyGivenEnv() {
        inherit = false;
        return this;
    }

    /** Inherits none of the variables {@code names} matches (a developer's own settings, say). */
    public Command unset(Predicate<String> names) {
        unset = unset.or(names);
        return this;
    }

    /** What it reads on its standard input. */
    public Command input(byte[] bytes) {
        this.input = bytes.clone();
        return this;
    }

    /** The command line, for messages. */
    @Override
    public String toString() {
        return String.join(" ", command);
    }

    /** Runs it to completion; fails the test if it has not finished within {@code timeout}. */
    public Result run(Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("hwaas-command", ".out");
        Path err = Files.createTempFile("hwaas-command", ".err");
        Path in = input == null ? null : Files.createTempFile("hwaas-command", ".in");
        try {
            ProcessBuilder builder = builder().redirectOutput(out.toFile()).redirectError(err.toFile());
            if (in != null) {
                Files.write(in, input);
            }
            builder.redirectInput(in == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                    : ProcessBuilder.Redirect.from(in.toFile()));
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(this + " did not finish within " + timeout.toSeconds() + " s; its output:\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (in != null) {
                Files.deleteIfExists(in);
            }
        }
    }

    /**
     * Starts it in the background, both outputs going to {@code log}; its standard input stays
     * open (a pipe nobody writes to), as a terminal's would.
     */
    public Process start(Path log) throws IOException {
        return builder().redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private ProcessBuilder builder() {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Map<String, String> environment = builder.environment();
        if (!inherit) {
            environment.clear();
        }
        environment.keySet().removeIf(unset);
        environment.putAll(env);
        return builder;
    }
}
