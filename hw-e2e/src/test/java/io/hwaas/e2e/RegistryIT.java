package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.Command;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images as release artifacts: {@code ./hwaas images push} to a real registry (Debian's
 * {@code docker-registry}, on 127.0.0.1, which Docker trusts without TLS), the local copies
 * removed, and a stack started from the registry: pulled, never built, and labelled with the
 * pom's version, the commit and the time of that commit.
 */
class RegistryIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void imagesPushedToARegistryRunAStackFromThere() throws Exception {
        Path registryCommand = Repository.onPath("docker-registry");
        assertThat(registryCommand).as("docker-registry on PATH (apt-get install docker-registry; .ci/run installs it)").isNotNull();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + tmp.resolve("storage")
                + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        Process registry = new ProcessBuilder(registryCommand.toString(), "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("registry.log").toFile()).start();
        String base = "http://127.0.0.1:" + port + "/v2/";
        String prefix = "127.0.0.1:" + port + "/hwaas/";
        String version = Files.readString(Repository.root().resolve("pom.xml")).replaceFirst("(?s).*?\n  <version>([^<]+)</version>.*", "$1");
        String tag = System.getenv().getOrDefault("HWAAS_IMAGE_TAG", "").isBlank() ? version : System.getenv("HWAAS_IMAGE_TAG");
        List<String> images = List.of(prefix + "hwaas-worker:" + tag, prefix + "hwaas-client:" + tag);
        try (Stack stack = Stack.create("registry-it", Map.of("HWAAS_IMAGE_REGISTRY", prefix))) {
            Awaitility.await("the registry answers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> get(base).statusCode() == 200);
            long t0 = System.nanoTime();
            Command.Result push = stack.hwaasRun(Duration.ofMinutes(15), "images", "push");
            assertThat(push.exit()).as("./hwaas images push: " + push.all()).isZero();
            double pushed = (System.nanoTime() - t0) / 1e9;
            assertThat(get(base + "hwaas/hwaas-worker/tags/list").body()).as("the worker's tags in the registry").contains("\"" + tag + "\"");
            assertThat(get(base + "hwaas/hwaas-client/tags/list").body()).as("the client's tags in the registry").contains("\"" + tag + "\"");

            for (String image : images) {
                assertThat(stack.docker(Duration.ofMinutes(1), "rmi", image).exit()).as("docker rmi " + image).isZero();
                assertThat(stack.docker(Duration.ofSeconds(30), "image", "inspect", image).exit()).as(image + " gone").isNotZero();
            }
            long t1 = System.nanoTime();
            Command.Result up = stack.hwaasRun(Duration.ofMinutes(5), "-d", "1", "1");
            assertThat(up.exit()).as("./hwaas -d 1 1 from the registry: " + up.all()).isZero();
            assertThat(up.out()).as("pulled, not built").contains("Pulling " + prefix + "hwaas-worker").doesNotContain("Building images");
            stack.awaitHellos(3, Duration.ofMinutes(2));
            System.out.printf("REGISTRY: push %.1f s, pull and start to three hellos %.1f s%n", pushed, (System.nanoTime() - t1) / 1e9);

            String worker = stack.container("hw-worker");
            assertThat(stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.Config.Image}}", worker).out().trim())
                    .as("the worker's image").isEqualTo(images.get(0));
            assertThat(stack.docker(Duration.ofSeconds(30), "image", "inspect", "-f", "{{join .RepoDigests \" \"}}", images.get(0))
                    .out()).as("its digest, from the registry").contains(prefix + "hwaas-worker@sha256:");
            String revision = FirstHourIT.run(Repository.root(), Duration.ofSeconds(30), "git", "rev-parse", "HEAD").out().trim();
            boolean dirty = !FirstHourIT.run(Repository.root(), Duration.ofSeconds(30), "git", "status", "--porcelain",
                    "--untracked-files=no").out().isBlank();
            String labels = stack.docker(Duration.ofSeconds(30), "image", "inspect", "-f", "{{json .Config.Labels}}", images.get(0)).out();
            assertThat(labels).as("the OCI labels").contains("\"org.opencontainers.image.version\":\"" + version + "\"",
                    "\"org.opencontainers.image.revision\":\"" + revision + (dirty ? "-dirty" : "") + "\"",
                    "\"org.opencontainers.image.title\":\"hwaas-worker\"", "org.opencontainers.image.source")
                    .containsPattern("\"org.opencontainers.image.created\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"");
        } finally {
            registry.destroy();
            registry.waitFor(30, TimeUnit.SECONDS);
            for (String image : images) {
                FirstHourIT.run(tmp, Duration.ofMinutes(1), "docker", "rmi", image);
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
