package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.Command;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service images as built: lean, unprivileged, and actually starting from their CDS / AOT
 * cache. A cache that fails to load is silently ignored by the JVM, so the check forces it on.
 */
class ImageIT {
    private static final Stack STACK = Stack.create("image-it");

    @BeforeAll
    static void build() throws Exception {
        Command.Result build = STACK.compose(Duration.ofMinutes(15), "build");
        assertThat(build.exit()).as("docker compose build: " + build.all()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "client"})
    void carriesOneJavaRuntimeAndStaysUnderAHundredMegabytes(String service) throws Exception {
        // The runtime stand-in, like the official image, registers its own JDK with the dynamic
        // loader: resolving against it would ship a second, unused libjvm.
        String image = "hwaas-" + service + ":latest";
        long bytes = Long.parseLong(STACK.docker(Duration.ofSeconds(30), "image", "inspect", "-f", "{{.Size}}", image)
                .out().trim());
        System.out.printf("IMAGE: %s %.1f MB%n", image, bytes / 1e6);
        Command.Result jvms = STACK.docker(Duration.ofMinutes(1), "run", "--rm", "--entrypoint", "/bin/bash", image, "-c",
                "shopt -s globstar nullglob; for f in /{opt,usr,lib,lib64}/**/libjvm.so; do echo \"$f\"; done");
        assertThat(jvms.out().lines().toList()).as(image + " libjvm.so files").containsExactly(
                "/opt/hwaas/jre/lib/server/libjvm.so");
        assertThat(bytes).as(image + " size in bytes (docs/images.md says under 100 MB)").isLessThan(100_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "client"})
    void startsFromItsCacheAsAnUnprivilegedUser(String service) throws Exception {
        String image = "hwaas-" + service + ":latest";
        assertThat(STACK.docker(Duration.ofSeconds(30), "image", "inspect", "-f", "{{.Config.User}}", image).out().trim())
                .as(image + " user").isEqualTo("10001:10001");
        assertThat(STACK.docker(Duration.ofSeconds(30), "image", "inspect", "-f", "{{json .Config.Entrypoint}}", image)
                .out().trim()).as(image + " entrypoint: exec form, the JVM as PID 1").startsWith("[\"/opt/hwaas/jre/bin/java\"");

        String feature = STACK.docker(Duration.ofSeconds(30), "run", "--rm", "--entrypoint", "/bin/bash", image, "-c",
                "read -r v < /opt/hwaas/" + service + "/java.version && echo \"$v\"").out().trim();
        // -XX:AOTMode=on (JDK 25) and -Xshare:on (earlier) make the JVM refuse to start without its cache.
        String strict = Integer.parseInt(feature) >= 25 ? "-XX:AOTMode=on" : "-Xshare:on";
        // The flags follow the image's own argument file, as the entrypoint passes it, so they win.
        Command.Result run = STACK.docker(Duration.ofMinutes(2), "run", "--rm", "--entrypoint", "/opt/hwaas/jre/bin/java",
                image, "@/opt/hwaas/" + service + "/jvm.args", strict, "-Xlog:class+load=info:stdout",
                "io.hwaas." + service + ".Main", "train");
        assertThat(run.exit()).as(image + " starts with " + strict + ": " + run.err()).isZero();
        long loaded = run.out().lines().filter(l -> l.contains("source:")).count();
        long cached = run.out().lines().filter(l -> l.contains("source: shared objects file")).count();
        System.out.printf("IMAGE: %s JDK %s: %d of %d classes from the cache%n", image, feature, cached, loaded);
        assertThat(loaded).as("classes loaded by " + image).isPositive();
        assertThat(cached).as("classes of " + image + " loaded from its cache, of " + loaded).isGreaterThan(loaded * 9 / 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "client"})
    void refusesABadConfigurationAtStartNamingTheVariable(String service) throws Exception {
        Command.Result run = STACK.docker(Duration.ofMinutes(1), "run", "--rm", "-e", "REDIS_URL=http://secret@redis",
                "-e", "HWAAS_QUEUE=no spaces", "hwaas-" + service + ":latest");
        assertThat(run.exit()).as(service + " exit status with a bad REDIS_URL (EX_CONFIG)").isEqualTo(78);
        assertThat(run.err()).as(service + " says what is wrong").contains("REDIS_URL=", "redis:// or rediss://")
                .doesNotContain("secret");
        assertThat(run.out()).as(service + " prints nothing on stdout").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker", "client"})
    void aMisspeltVariableIsReportedAndTheServiceKeepsRunning(String service) throws Exception {
        String name = "hwaas-image-it-" + service + "-" + System.nanoTime();
        Command.Result run = STACK.docker(Duration.ofMinutes(1), "run", "-d", "--name", name, "-e", "HWAAS_WORKER_THREAD=8",
                "-e", "REDIS_URL=redis://127.0.0.1:1/1", "hwaas-" + service + ":latest");
        assertThat(run.exit()).as("docker run: " + run.all()).isZero();
        try {
            org.awaitility.Awaitility.await("the warning").atMost(Duration.ofSeconds(30))
                    .until(() -> STACK.docker(Duration.ofSeconds(30), "logs", name).err()
                            .contains("HWAAS_WORKER_THREAD is not a variable HWaaS reads (did you mean HWAAS_WORKER_THREADS?)"));
            assertThat(STACK.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}}", name).out().trim())
                    .as(service + " still running").isEqualTo("true");
        } finally {
            STACK.docker(Duration.ofMinutes(1), "rm", "-f", name);
        }
    }
}
