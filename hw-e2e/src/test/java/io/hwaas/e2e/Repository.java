package io.hwaas.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are for the tests: the checkout under test (failsafe passes it as
 * {@code hwaas.root}; otherwise it is found above the working directory), and the tools on PATH.
 */
final class Repository {
    private Repository() {
    }

    /** The repository root: the directory holding {@code hwaas} and {@code docker-compose.yml}. */
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

    /** The executable {@code name} on PATH, or {@code null}. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
