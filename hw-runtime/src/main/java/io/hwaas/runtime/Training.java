package io.hwaas.runtime;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.redis.RedisConnector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Helpers for the training run that records a service's class-data-sharing or AOT cache when
 * its image is built. The run has no Redis, so besides exercising what it can, it loads the
 * classes of the jars whose code only runs against a live server.
 */
public final class Training {
    /** The environment a training run parses: a Redis where none listens, and a short timeout. */
    public static final Map<String, String> ENV = Map.of("REDIS_URL", "redis://127.0.0.1:1/1",
            "HWAAS_REDIS_TIMEOUT", "200ms");

    private Training() {
    }

    /**
     * The part of a training run both services share, after each has exercised its own code:
     * serves {@code /metrics} and {@code /healthz} from {@code registry} once each, tries Redis,
     * preloads the jars of {@code anchors} and logs the count.
     */
    public static void finish(PrometheusRegistry registry, CommonConfig common, Class<?>... anchors) throws IOException {
        try (MetricsServer server = MetricsServer.start(0, registry, () -> true)) {
            get(server.port(), "/metrics");
            get(server.port(), "/healthz");
        }
        try {
            RedisConnector.of(common.redis(), "training").open(Duration.ZERO).close();
        } catch (JedisException expected) {
            // No Redis at build time; the attempt still loads the connection path.
        }
        int classes = preload(anchors);
        LoggerFactory.getLogger(Training.class).info("Training run done: {} classes preloaded", classes);
    }

    /** Loads, without initialising, every class in the jars that hold {@code anchors}. */
    public static int preload(Class<?>... anchors) throws IOException {
        int loaded = 0;
        for (Class<?> anchor : anchors) {
            Path jar;
            try {
                jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            if (!jar.toString().endsWith(".jar")) {
                continue;
            }
            try (JarFile file = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                        try {
                            Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                                    anchor.getClassLoader());
                            loaded++;
                        } catch (ClassNotFoundException | LinkageError e) {
                            // Optional dependencies of the jar are absent; such classes never run here either.
                        }
                    }
                }
            }
        }
        return loaded;
    }

    /** Fetches a path from a local HTTP endpoint, as Prometheus and the healthcheck do. */
    private static String get(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
