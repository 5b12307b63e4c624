package io.hwaas.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real stack, driven the way a user drives it: through {@code ./hwaas} and Docker Compose,
 * under a Compose project name of its own so that tests never touch a developer's stack, and
 * torn down with its volumes afterwards.
 */
final class Stack implements AutoCloseable {
    /** A finished command. */
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    final Path root;
    final String project;
    private final List<String> compose;
    private final Map<String, String> extraEnv;
    private final String password = UUID.randomUUID().toString().replace("-", "");

    private Stack(String project, Map<String, String> extraEnv) {
        this.root = root();
        this.project = project;
        this.extraEnv = extraEnv;
        this.compose = composeCommand();
    }

    /** A stack under a fresh project name, {@code hwaas-<name>-<random>}. */
    static Stack create(String name, Map<String, String> env) {
        String project = "hwaas-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new Stack(project.toLowerCase(Locale.ROOT), env);
    }

    static Stack create(String name) {
        return create(name, Map.of());
    }

    /** The repository root: where {@code hwaas} lives. */
    static Path root() {
        String property = System.getProperty("hwaas.root");
        Path dir = property != null ? Path.of(property) : Path.of("").toAbsolutePath();
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("hwaas")) && Files.isRegularFile(p.resolve("docker-compose.yml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (hwaas, docker-compose.yml) above " + dir);
    }

    /** Starts {@code ./hwaas args} in the background, its output going to {@code log}. */
    Process hwaas(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(root.resolve("hwaas").toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env());
        return builder.start();
    }

    /** Runs {@code ./hwaas args} to completion. */
    Result hwaasRun(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("hwaas").toString()));
        command.addAll(Arrays.asList(args));
        return run(command, timeout);
    }

    /** Runs {@code docker compose args} (or docker-compose) for this project. */
    Result compose(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(compose);
        command.addAll(Arrays.asList(args));
        return run(command, timeout);
    }

    /** Runs {@code docker args}. */
    Result docker(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(Arrays.asList(args));
        return run(command, timeout);
    }

    /** Ids of this project's containers, running or not. */
    List<String> containers(String service) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("ps", "-aq", "--filter", "label=com.docker.compose.project=" + project));
        if (service != null) {
            args.addAll(List.of("--filter", "label=com.docker.compose.service=" + service));
        }
        String out = docker(Duration.ofSeconds(30), args.toArray(new String[0])).out().trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** Runs redis-cli inside the stack's Redis, on the services' database. */
    String redis(String... args) throws IOException, InterruptedException {
        List<String> redis = containers("redis");
        if (redis.isEmpty()) {
            throw new IllegalStateException("no Redis container in " + project);
        }
        List<String> command = new ArrayList<>(List.of("exec", redis.get(0), "sh", "-c",
                "REDISCLI_AUTH=\"$HWAAS_REDIS_PASSWORD\" exec redis-cli -n 1 \"$@\"", "redis-cli"));
        command.addAll(Arrays.asList(args));
        Result r = docker(Duration.ofSeconds(30), command.toArray(new String[0]));
        if (r.exit() != 0) {
            throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed: " + r.all());
        }
        return r.out().trim();
    }

    /** Lines of all workers' output, stopped containers included. */
    List<String> workerOutput() throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String id : containers("worker")) {
            Result r = docker(Duration.ofSeconds(60), "logs", id);
            lines.addAll(r.out().lines().toList());
        }
        return lines;
    }

    /** How many "hello, world!" lines the workers printed, stopped containers included. */
    long hellosPrinted() throws IOException, InterruptedException {
        return workerOutput().stream().filter("hello, world!"::equals).count();
    }

    /** Waits until the workers have printed at least {@code count} hellos. */
    void awaitHellos(long count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (hellosPrinted() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " hellos within " + timeout);
            }
            Thread.sleep(500);
        }
    }

    private Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("hwaas-e2e", ".out");
        Path err = Files.createTempFile("hwaas-e2e", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Map<String, String> env() {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("COMPOSE_PROJECT_NAME", project);
        // A password of the stack's own: tests neither need nor touch a developer's .env.
        env.putIfAbsent("HWAAS_REDIS_PASSWORD", password);
        env.putIfAbsent("HWAAS_GRAFANA_PASSWORD", password + "-grafana");
        return env;
    }

    /** The Compose {@code hwaas} uses: {@code HWAAS_COMPOSE} if set, else the plugin if installed. */
    private static List<String> composeCommand() {
        String chosen = System.getenv("HWAAS_COMPOSE");
        List<String> command;
        if (chosen != null && !chosen.isBlank()) {
            command = List.of(chosen.trim().split("\\s+"));
        } else {
            command = version(List.of("docker", "compose")) != null ? List.of("docker", "compose") : List.of("docker-compose");
        }
        String version = version(command);
        if (version == null) {
            throw new IllegalStateException("'" + String.join(" ", command) + " version' failed: the end-to-end tests"
                    + " need Docker Compose (the plugin, or docker-compose 1.29; HWAAS_COMPOSE picks one)");
        }
        // CI runs the stack under both Composes: say which one this run is.
        System.out.println("STACK: " + String.join(" ", command) + ": " + version);
        return command;
    }

    /** The first line {@code command version} prints, or null when it fails. */
    private static String version(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("version");
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return out.lines().findFirst().orElse("").trim();
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Removes the project's containers, networks and volumes. */
    @Override
    public void close() throws IOException, InterruptedException {
        compose(Duration.ofMinutes(3), "--profile", "monitoring", "--profile", "packing", "down", "-v",
                "--remove-orphans", "--timeout", "20");
    }
}
