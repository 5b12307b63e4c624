package io.hwaas.e2e;

import static org.awaitility.Awaitility.await;

import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Docker Swarm of its own: N Docker-in-Docker nodes, each a container of the node image
 * ({@code .ci/standins} builds {@code hwaas-standin/dind:1}) running Debian's dockerd, on a Docker
 * network of its own, with {@code /var/lib/docker} on a volume of its own. The host's daemon only
 * runs the node containers: every swarm command goes to a node's daemon, through the socket the
 * node publishes into a directory of the host ({@code /tmp/hwaas-swarm-it-RUN/nodeI/docker.sock}).
 *
 * <p>{@code --privileged} is refused on this kind of machine (it cannot grant SYS_RESOURCE), so a
 * node gets every other capability, no seccomp or AppArmor profile, and the host's cgroup
 * namespace with {@code /sys/fs/cgroup} writable; its dockerd puts its containers under a cgroup
 * parent of the node's own, which {@link #close()} removes with everything else, also after a
 * failure, and also from a shutdown hook if the JVM is stopped.
 */
final class SwarmCluster implements AutoCloseable {
    static final String NODE_IMAGE = System.getProperty("hwaas.swarm.nodeImage", "hwaas-standin/dind:1");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** One node: a container on the host, and the dockerd inside it. */
    record Node(int index, String container, String volume, Path socketDir, String cgroupParent) {
        String name() {
            return "node" + index;
        }

        String dockerHost() {
            return "unix://" + socketDir.resolve("docker.sock");
        }
    }

    final String run;
    final String prefix;
    final String network;
    final List<Node> nodes;
    private final Path dir;
    private final Map<Integer, String> addresses = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    private SwarmCluster(int size) throws IOException {
        this.run = UUID.randomUUID().toString().substring(0, 8);
        this.prefix = "hwaas-swarm-it-" + run;
        this.network = prefix;
        // Short: a Unix socket's path must fit in 108 bytes.
        this.dir = Files.createDirectories(Path.of("/tmp", prefix));
        List<Node> list = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            list.add(new Node(i, prefix + "-node" + i, prefix + "-node" + i, dir.resolve("node" + i),
                    "/" + prefix + "-node" + i));
        }
        this.nodes = List.copyOf(list);
        this.hook = new Thread(() -> {
            try {
                close();
            } catch (Exception e) {
                System.err.println("SWARM: clean-up from the shutdown hook failed: " + e);
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code size} nodes and waits until each one's dockerd answers. */
    static SwarmCluster start(int size) throws Exception {
        SwarmCluster cluster = new SwarmCluster(size);
        try {
            cluster.startNodes();
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    Node node(int index) {
        return nodes.get(index - 1);
    }

    /** The node's address on the cluster's network. */
    String address(Node node) {
        return addresses.get(node.index());
    }

    private void startNodes() throws Exception {
        check(host(Duration.ofSeconds(30), "network", "create", "--label", "io.hwaas.swarm-it=" + run, network),
                "docker network create " + network);
        for (Node node : nodes) {
            Files.createDirectories(node.socketDir());
            check(host(Duration.ofSeconds(30), "volume", "create", "--label", "io.hwaas.swarm-it=" + run, node.volume()),
                    "docker volume create " + node.volume());
            check(host(Duration.ofMinutes(1), "run", "-d", "--name", node.container(), "--hostname", node.name(),
                    "--label", "io.hwaas.swarm-it=" + run, "--network", network,
                    "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
                    "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
                    "--cgroupns", "host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                    "-v", node.volume() + ":/var/lib/docker", "-v", node.socketDir() + ":/hwaas",
                    "-e", "DIND_CGROUP_PARENT=" + node.cgroupParent(), NODE_IMAGE,
                    "-H", "unix:///var/run/docker.sock", "-H", "unix:///hwaas/docker.sock"),
                    "starting " + node.container());
            addresses.put(node.index(), host(Duration.ofSeconds(30), "inspect", "-f",
                    "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", node.container()).out().trim());
        }
        for (Node node : nodes) {
            awaitDaemon(node, Duration.ofSeconds(60));
        }
    }

    private void awaitDaemon(Node node, Duration timeout) throws Exception {
        try {
            await("the dockerd of " + node.name() + " answers").atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> Files.exists(node.socketDir().resolve("docker.sock"))
                            && on(node, Duration.ofSeconds(10), "info", "--format", "{{.Name}}").exit() == 0);
        } catch (ConditionTimeoutException e) {
            String logs = host(Duration.ofSeconds(30), "logs", "--tail", "30", node.container()).all();
            throw new AssertionError("the dockerd of " + node.name() + " did not answer within " + timeout
                    + "; its last lines:\n" + logs, e);
        }
    }

    /**
     * Loads images from the host into every node, all nodes at once. No registry is reachable
     * here, and {@code docker save} once plus {@code docker load} per node takes seconds, where a
     * registry would add a push and a pull of each layer.
     */
    void loadImages(List<String> images) throws Exception {
        Path tar = dir.resolve("images.tar");
        List<String> save = new ArrayList<>(List.of("save", "-o", tar.toString()));
        save.addAll(images);
        check(host(Duration.ofMinutes(3), save.toArray(new String[0])), "docker save " + images);
        try {
            List<Process> loads = new ArrayList<>();
            for (Node node : nodes) {
                loads.add(onNode(Command.of("docker", "load", "-q", "-i", tar.toString()), node)
                        .start(dir.resolve("load-" + node.name() + ".log")));
            }
            for (int i = 0; i < loads.size(); i++) {
                Process load = loads.get(i);
                if (!load.waitFor(3, TimeUnit.MINUTES)) {
                    load.destroyForcibly();
                    throw new AssertionError("docker load into " + nodes.get(i).name() + " took over 3 minutes");
                }
                if (load.exitValue() != 0) {
                    throw new AssertionError("docker load into " + nodes.get(i).name() + " failed: "
                            + Files.readString(dir.resolve("load-" + nodes.get(i).name() + ".log")));
                }
            }
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /**
     * Makes node1 the manager and the others workers. Every command goes to a node's socket, and
     * node1's daemon is first checked not to be the host's: a swarm on the machine's own daemon
     * would outlive the test.
     */
    void formSwarm(Duration heartbeat) throws Exception {
        String hostId = host(Duration.ofSeconds(30), "info", "--format", "{{.ID}}").out().trim();
        for (Node node : nodes) {
            String id = on(node, Duration.ofSeconds(30), "info", "--format", "{{.ID}}").out().trim();
            if (id.isEmpty() || id.equals(hostId)) {
                throw new AssertionError(node.name() + "'s daemon looks like the host's (ID '" + id + "'): refusing to"
                        + " touch its swarm state");
            }
        }
        Node manager = node(1);
        // A short dispatcher heartbeat: a lost node is declared down in seconds, not in 15 s.
        check(on(manager, Duration.ofMinutes(1), "swarm", "init", "--advertise-addr", address(manager),
                "--dispatcher-heartbeat", heartbeat.toSeconds() + "s"), "docker swarm init on " + manager.name());
        String token = on(manager, Duration.ofSeconds(30), "swarm", "join-token", "-q", "worker").out().trim();
        for (Node node : nodes.subList(1, nodes.size())) {
            check(on(node, Duration.ofMinutes(1), "swarm", "join", "--advertise-addr", address(node), "--token", token,
                    address(manager) + ":2377"), "docker swarm join on " + node.name());
        }
        List<String> ready = nodes.stream().map(n -> "Ready").toList();
        await("every node Ready in the swarm").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> on(manager, Duration.ofSeconds(30), "node", "ls", "--format", "{{.Status}}").out().lines()
                        .filter("Ready"::equals).toList(), ready::equals);
    }

    /** Kills a node outright, as a power cut would: SIGKILL to its init takes its whole PID namespace. */
    void kill(Node node) throws Exception {
        check(host(Duration.ofSeconds(60), "kill", "-s", "KILL", node.container()), "docker kill " + node.container());
    }

    /** {@code docker ARGS} on the host's own daemon. */
    Command.Result host(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(null, timeout, prepend("docker", args));
    }

    /** {@code docker ARGS} on a node's daemon. */
    Command.Result on(Node node, Duration timeout, String... args) throws IOException, InterruptedException {
        return run(node, timeout, prepend("docker", args));
    }

    /** Any command, with the Docker CLI pointed at a node's daemon and the extra environment. */
    Command.Result command(Node node, Map<String, String> env, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        return run(node, env, timeout, command);
    }

    private Command.Result run(Node node, Duration timeout, List<String> command) throws IOException, InterruptedException {
        return run(node, Map.of(), timeout, command);
    }

    private Command.Result run(Node node, Map<String, String> env, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        Command c = Command.of(command).in(Repository.root()).env(env);
        return (node == null ? c : onNode(c, node)).run(timeout);
    }

    private static Command onNode(Command command, Node node) {
        // DOCKER_HOST wins over a context, but a CLI given both complains.
        return command.env("DOCKER_HOST", node.dockerHost()).unset("DOCKER_CONTEXT"::equals);
    }

    private static List<String> prepend(String first, String... rest) {
        List<String> list = new ArrayList<>(List.of(first));
        list.addAll(Arrays.asList(rest));
        return list;
    }

    static void check(Command.Result result, String what) {
        if (result.exit() != 0) {
            throw new AssertionError(what + " failed (exit " + result.exit() + "): " + result.all());
        }
    }

    /**
     * Removes the nodes, their volumes, the network, the sockets' directory and the nodes' cgroup
     * directories. Idempotent, and tolerant of what is already gone, so that it can run after any
     * failure, twice, or from the shutdown hook.
     */
    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: this is the hook.
        }
        List<String> problems = new ArrayList<>();
        for (Node node : nodes) {
            thaw(node);
            Command.Result rm = host(Duration.ofMinutes(2), "rm", "-f", "-v", node.container());
            if (rm.exit() != 0 && !rm.err().contains("No such container")) {
                problems.add("docker rm " + node.container() + ": " + rm.all().trim());
            }
        }
        for (Node node : nodes) {
            removeCgroups(node, problems);
            Command.Result rm = host(Duration.ofMinutes(1), "volume", "rm", "-f", node.volume());
            if (rm.exit() != 0) {
                problems.add("docker volume rm " + node.volume() + ": " + rm.all().trim());
            }
        }
        Command.Result net = host(Duration.ofMinutes(1), "network", "rm", network);
        if (net.exit() != 0 && !net.err().contains("not found")) {
            problems.add("docker network rm " + network + ": " + net.all().trim());
        }
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cleaning up the swarm test left: " + problems);
        }
    }

    /**
     * Thaws whatever the node's dockerd froze ({@code docker pause}): a frozen process cannot die,
     * so the node's PID namespace would never empty and its container would never stop.
     */
    private static void thaw(Node node) {
        Path freezer = CGROUP_ROOT.resolve("freezer").resolve(node.cgroupParent().substring(1));
        if (!Files.isDirectory(freezer)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(freezer)) {
            for (Path state : walk.filter(p -> p.getFileName().toString().equals("freezer.state")).toList()) {
                try {
                    if (!Files.readString(state).trim().equals("THAWED")) {
                        Files.writeString(state, "THAWED");
                    }
                } catch (IOException e) {
                    // The cgroup went while we looked: nothing left to thaw.
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // Best effort: removing the node reports what is really stuck.
        }
    }

    /**
     * The node's dockerd made its containers' cgroups under its own parent in every controller of
     * the host (the nodes share the host's cgroup namespace, cgroup v1). Once the node is gone
     * they are empty and can be removed, deepest first; their processes may take a moment to die.
     */
    private static void removeCgroups(Node node, List<String> problems) throws IOException, InterruptedException {
        if (!Files.isDirectory(CGROUP_ROOT)) {
            return;
        }
        String name = node.cgroupParent().substring(1);
        List<Path> parents = new ArrayList<>();
        try (DirectoryStream<Path> controllers = Files.newDirectoryStream(CGROUP_ROOT)) {
            for (Path controller : controllers) {
                Path parent = controller.resolve(name);
                if (Files.isDirectory(parent)) {
                    parents.add(parent);
                }
            }
        }
        // Their processes may take a moment to die: until then a cgroup cannot be removed.
        for (Path parent : parents) {
            try {
                await("cgroup " + parent + " removed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                            List<Path> dirs;
                            try (Stream<Path> walk = Files.walk(parent)) {
                                dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
                            }
                            for (Path cgroup : dirs) {
                                // rmdir on cgroupfs: the control files inside go with the directory.
                                Files.deleteIfExists(cgroup);
                            }
                            return true;
                        });
            } catch (ConditionTimeoutException e) {
                problems.add("cgroup " + parent + ": " + e.getMessage());
            }
        }
    }
}
