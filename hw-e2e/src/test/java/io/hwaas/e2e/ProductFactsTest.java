package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facts the deployment checks hold the manifests to are the product's, and a product that contradicts itself is refused. */
class ProductFactsTest {
    @TempDir
    Path copy;

    /** The files ProductFacts reads, copied, with {@code from} replaced by {@code to} in {@code file}. */
    private Path productWith(String file, String from, String to) throws IOException {
        for (String f : new String[] {"Dockerfile", "docker-compose.yml", "monitoring/prometheus/prometheus.yml"}) {
            Files.createDirectories(copy.resolve(f).getParent());
            String text = Files.readString(Repository.root().resolve(f));
            assertThat(!f.equals(file) || text.contains(from)).as("%s contains %s", f, from).isTrue();
            Files.writeString(copy.resolve(f), f.equals(file) ? text.replace(from, to) : text);
        }
        return copy;
    }

    @Test
    void theFactsComeFromTheProductsOwnFiles() throws Exception {
        Map<String, Object> facts = ProductFacts.read(Repository.root());

        assertThat(facts).as("facts read from the product").containsEntry("user", "10001:10001").containsEntry("port", 9400)
                .containsEntry("healthPath", "/healthz");
        assertThat(facts.get("keys")).as("the keys of hw-worker keys").asString().contains("queue=resque:queue:hello");
    }

    @Test
    void aComposeAllowanceShorterThanTheFlushTimeoutIsRefused() throws IOException {
        Path product = productWith("docker-compose.yml", "stop_grace_period: 15s", "stop_grace_period: 3s");

        assertThatThrownBy(() -> ProductFacts.read(product)).as("a client allowed 3 s to stop, with a 5 s flush timeout")
                .hasMessageContaining("hw-client's stop_grace_period exceeds its flush timeout");
    }

    @Test
    void aHealthCheckOnAPathTheServiceDoesNotServeIsRefused() throws IOException {
        Path product = productWith("Dockerfile", "GET /healthz HTTP", "GET /health HTTP");

        assertThatThrownBy(() -> ProductFacts.read(product)).as("a Dockerfile HEALTHCHECK asking /health")
                .hasMessageContaining("the metrics server answers /health with 200, not 404");
    }
}
