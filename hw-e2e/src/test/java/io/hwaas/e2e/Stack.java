package io.hwaas.e2e;

import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The real stack, driven the way a user drives it: through {@code ./hwaas} and Docker Compose,
 * under a Compose project name of its own so that tests never touch a developer's stack, and
 * torn down with its volumes afterwards.
 */
final class Stack implements AutoCloseable {
    /** The Compose files of the single-Redis stack, and of the highly available one. */
    static final String SINGLE = "docker-compose.yml";
    static final String HA = "docker-compose.yml:docker-compose.ha.yml";

    final Path root;
    final String project;
    private final List<String> compose;
    private final Map<String, String> extraEnv;
    private final String password = UUID.randomUUID().toString().replace("-", "");

    private Stack(Path root, String project, Map<String, String> extraEnv) {
        this.root = root;
        this.project = project;
        this.extraEnv = extraEnv;
        this.compose = findCompose();
    }

    /**
     * A stack under a fresh project name, {@code hwaas-<name>-<random>}. It names its Compose
     * files itself ({@link #SINGLE} unless {@code env} says otherwise), so that whatever .env says
     * in the checkout never changes what a test runs.
     */
    static Stack create(String name, Map<String, String> env) {
        return in(Repository.root(), name, env);
    }

    static Stack create(String name) {
        return create(name, Map.of());
    }

    /** Like {@link #create(String, Map)}, for a checkout at {@code root} (a clone, say). */
    static Stack in(Path root, String name, Map<String, String> env) {
        String project = "hwaas-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("COMPOSE_FILE", SINGLE);
        return new Stack(root, project.toLowerCase(Locale.ROOT), all);
    }

    /**
     * This stack's project, password and settings driven from another checkout, with {@code env}
     * added: the next release taking over a running stack, say.
     */
    Stack from(Path otherRoot, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env());
        all.putAll(env);
        return new Stack(otherRoot, project, all);
    }

    /** Starts {@code ./hwaas args} in the background, its output going to {@code log}. */
    Process hwaas(Path log, String... args) throws IOException {
        // The tests signal it as a terminal would. A signal ignored by whatever started this JVM
        // (nohup ignores HUP, a script's background job INT) is inherited, and bash cannot trap a
        // signal ignored at entry: start it with the three at their defaults (coreutils env; the
        // pid stays hwaas', since env execs it).
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=HUP,INT,TERM",
                root.resolve("hwaas").toString()));
        command.addAll(Arrays.asList(args));
        return Command.of(command).in(root).env(env()).start(log);
    }

    /** Runs {@code ./hwaas args} to completion. */
    Command.Result hwaasRun(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("hwaas").toString()));
        command.addAll(Arrays.asList(args));
        return run(command, timeout);
    }

    /** Runs {@code docker compose args} (or docker-compose) for this project. */
    Command.Result compose(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(compose);
        command.addAll(Arrays.asList(args));
        return run(command, timeout);
    }

    /** Runs {@code docker args}. */
    Command.Result docker(Duration timeout, String... args) throws IOException, InterruptedException {
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
        return redisIn("redis", "-n", "1", args);
    }

    /** Runs redis-cli inside the container of {@code service} (a node or a Sentinel), with {@code options} first. */
    String redisIn(String service, String options, String option, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("exec", container(service), "sh", "-c",
                "REDISCLI_AUTH=\"$HWAAS_REDIS_PASSWORD\" exec redis-cli --no-auth-warning \"$@\"", "redis-cli", options, option));
        command.addAll(Arrays.asList(args));
        Command.Result r = docker(Duration.ofSeconds(30), command.toArray(new String[0]));
        if (r.exit() != 0) {
            throw new IllegalStateException("redis-cli " + String.join(" ", args) + " in " + service + " failed: " + r.all());
        }
        return r.out().trim();
    }

    /** The container of {@code service}, the first if several; fails when there is none. */
    String container(String service) throws IOException, InterruptedException {
        List<String> ids = containers(service);
        if (ids.isEmpty()) {
            throw new IllegalStateException("no " + service + " container in " + project);
        }
        return ids.get(0);
    }

    /** Runs redis-cli in the stack's Redis with {@code input} on its standard input (for {@code -x}). */
    String redisWithInput(byte[] input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "exec", "-i", container("redis"), "sh", "-c",
                "REDISCLI_AUTH=\"$HWAAS_REDIS_PASSWORD\" exec redis-cli -n 1 \"$@\"", "redis-cli"));
        command.addAll(Arrays.asList(args));
        Command.Result r = Command.of(command).input(input).run(Duration.ofSeconds(60));
        if (r.exit() != 0) {
            throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed: " + r.all());
        }
        return r.out().trim();
    }

    /** Lines of all workers' output, stopped containers included. */
    List<String> workerOutput() throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String id : containers("hw-worker")) {
            Command.Result r = docker(Duration.ofSeconds(60), "logs", id);
            lines.addAll(r.out().lines().toList());
        }
        return lines;
    }

    /**
     * How many "hello, world!" lines the workers printed since {@code since}: only the logs since
     * then are read, so it stays quick however long the stack has run.
     */
    long hellosPrintedSince(java.time.Instant since) throws IOException, InterruptedException {
        long n = 0;
        for (String id : containers("hw-worker")) {
            n += docker(Duration.ofSeconds(30), "logs", "--since", since.toString(), id).out().lines()
                    .filter("hello, world!"::equals).count();
        }
        return n;
    }

    /** How many "hello, world!" lines the workers printed, stopped containers included. */
    long hellosPrinted() throws IOException, InterruptedException {
        return workerOutput().stream().filter("hello, world!"::equals).count();
    }

    /** Waits until the workers have printed at least {@code count} hellos. */
    void awaitHellos(long count, Duration timeout) {
        org.awaitility.Awaitility.await("at least " + count + " hellos printed").atMost(timeout)
                .pollInterval(Duration.ofMillis(500)).until(() -> hellosPrinted() >= count);
    }

    private Command.Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        return Command.of(command).in(root).env(env()).run(timeout);
    }

    /** The environment the stack's commands run with. */
    Map<String, String> env() {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("COMPOSE_PROJECT_NAME", project);
        // A password of the stack's own: tests neither need nor touch a developer's .env.
        env.putIfAbsent("HWAAS_REDIS_PASSWORD", password);
        env.putIfAbsent("HWAAS_GRAFANA_PASSWORD", password + "-grafana");
        return env;
    }

    /** The Compose command this run uses ({@code docker compose} or {@code docker-compose}). */
    List<String> composeCommand() {
        return compose;
    }

    /** The Compose {@code hwaas} uses: {@code HWAAS_COMPOSE} if set, else the plugin if installed. */
    private static List<String> findCompose() {
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
            Command.Result r = Command.of(args).run(Duration.ofSeconds(20));
            return r.exit() == 0 ? r.out().lines().findFirst().orElse("").trim() : null;
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
