package io.hwaas.common.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Helpers for the training run that records a service's class-data-sharing or AOT cache when
 * its image is built. The run has no Redis, so besides exercising what it can, it loads the
 * classes of the jars whose code only runs against a live server.
 */
public final class Training {
    private Training() {
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
    public static String get(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
