package io.hwaas.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout under test is: failsafe and surefire pass it as {@code hwaas.root}; otherwise it is found above. */
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
}
