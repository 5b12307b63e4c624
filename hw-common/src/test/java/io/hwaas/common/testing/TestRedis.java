package io.hwaas.common.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.Jedis;

/**
 * A real Redis in a container for integration tests. The image is {@code HWAAS_REDIS_IMAGE}
 * (any image with redis-server 7 on the PATH), by default the pinned official one. The host
 * port is fixed for the container's life, so a test can restart Redis and reconnect.
 *
 * <p>Either start one for a block ({@link #start}), or share one across a test class as an
 * extension ({@link #perClass}).
 */
public final class TestRedis implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    /** The image the stack and the tests use unless told otherwise. */
    public static final String DEFAULT_IMAGE = "redis:7.4";

    private GenericContainer<?> container;
    private int port;
    /** The current test's connection to database 1 ({@link #db}). */
    private Jedis db;

    private TestRedis() {
    }

    /**
     * For {@code @RegisterExtension static}: one Redis for the test class, started before its first
     * test, emptied before each test, stopped after the last.
     */
    public static TestRedis perClass() {
        return new TestRedis();
    }

    /** The Redis image to test against. */
    public static String image() {
        String image = System.getenv("HWAAS_REDIS_IMAGE");
        return image == null || image.isBlank() ? DEFAULT_IMAGE : image;
    }

    /** Starts Redis with the stack's durability settings plus {@code extraArgs}. */
    public static TestRedis start(String... extraArgs) {
        return start(c -> { }, extraArgs);
    }

    /** Like {@link #start(String...)}, customising the container first (files to copy in, say). */
    public static TestRedis start(java.util.function.Consumer<GenericContainer<?>> customizer, String... extraArgs) {
        TestRedis redis = new TestRedis();
        redis.launch(customizer, extraArgs);
        return redis;
    }

    private void launch(java.util.function.Consumer<GenericContainer<?>> customizer, String... extraArgs) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", "6379", "--protected-mode", "no",
                "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction",
                "--proto-max-bulk-len", "1mb", "--dir", "/tmp"));
        command.addAll(List.of(extraArgs));
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image()))
                .withCommand(command.toArray(new String[0]))
                .withExposedPorts(6379)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindPort(port), ExposedPort.tcp(6379))))
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
        StringBuffer log = new StringBuffer();
        container.withLogConsumer(frame -> log.append(frame.getUtf8String()));
        customizer.accept(container);
        try {
            container.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot start Redis from image '" + image() + "'. Is Docker running, and"
                    + " is the image present (no registry here: build the stand-ins with .ci/standins and export"
                    + " HWAAS_REDIS_IMAGE)? Redis said:\n" + log, e);
        }
        this.container = container;
        this.port = port;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        launch(c -> { });
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try (Jedis jedis = new Jedis(host(), port)) {
            jedis.flushAll();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (db != null) {
            db.close();
            db = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** A {@code redis://} URL for database {@code db}. */
    public String url(int db) {
        return "redis://" + host() + ":" + port + "/" + db;
    }

    public String host() {
        return container.getHost();
    }

    public int port() {
        return port;
    }

    /**
     * With {@link #perClass}: the current test's connection to database 1, where the tests keep
     * their data; closed after the test, and it follows a {@link #restart}. For a field
     * initialiser: {@code private final Jedis jedis = redis.db();}.
     */
    public Jedis db() {
        if (db == null) {
            db = jedis(1);
        }
        return db;
    }

    /** A fresh connection on database {@code db}; close it. */
    public Jedis jedis(int db) {
        Jedis jedis = new Jedis(host(), port);
        jedis.select(db);
        return jedis;
    }

    /** Freezes Redis (docker pause), as an unresponsive server or network does. */
    public void pause() {
        container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
    }

    public void unpause() {
        container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
    }

    /** Restarts Redis; data survives through the append-only file. */
    public void restart() {
        container.getDockerClient().restartContainerCmd(container.getContainerId()).withTimeout(5).exec();
        org.awaitility.Awaitility.await("Redis back after a restart").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    try (Jedis jedis = new Jedis(host(), port)) {
                        return "PONG".equals(jedis.ping());
                    }
                });
        if (db != null) {
            // Its socket died with the server. Jedis reconnects on the next command, but its
            // disconnect() forgets the database: select it again.
            db.disconnect();
            db.select(1);
        }
    }

    /** A numeric field of Redis' INFO, asked on {@code jedis} (a new connection would count in the stats). */
    public static long info(Jedis jedis, String section, String field) {
        for (String line : jedis.info(section).split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no " + field + " in INFO " + section);
    }

    /** Redis' clock in milliseconds, the one heartbeats and client records are stamped with. */
    public static long millis(Jedis jedis) {
        List<String> time = jedis.time();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    /** Jobs in every in-flight list of {@code keys}' queue, in database {@code db}. */
    public long inflight(io.hwaas.common.hello.Keys keys, int db) {
        try (Jedis jedis = jedis(db)) {
            long total = 0;
            for (String key : jedis.keys(keys.inflightPattern())) {
                total += jedis.llen(key);
            }
            return total;
        }
    }

    /** Runs a command inside the container, e.g. redis-cli. */
    public String exec(String... command) {
        try {
            var result = container.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The underlying container, for copying files in. */
    public GenericContainer<?> container() {
        return container;
    }

    @Override
    public void close() {
        container.stop();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
