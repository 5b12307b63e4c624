package io.hwaas.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthIsServedAtHealthzAndAsTheHealthyGaugeForAlerts() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (MetricsServer server = MetricsServer.start(0, new PrometheusRegistry(), healthy::get)) {
            assertThat(get(server, "/healthz").statusCode()).as("/healthz while healthy").isEqualTo(200);
            assertThat(get(server, "/metrics").body()).as("/metrics while healthy").contains("\nhwaas_healthy 1.0\n");

            healthy.set(false);
            assertThat(get(server, "/healthz").statusCode()).as("/healthz while stalled").isEqualTo(503);
            assertThat(get(server, "/metrics").body()).as("/metrics while stalled").contains("\nhwaas_healthy 0.0\n");
        }
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
