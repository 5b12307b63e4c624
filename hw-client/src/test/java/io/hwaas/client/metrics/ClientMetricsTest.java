package io.hwaas.client.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientMetricsTest {

    @Test
    void exportsTheIntervalSoThatTheExpectedRateIsLogicalClientsOverIt() {
        PrometheusRegistry registry = new PrometheusRegistry();
        new ClientMetrics(registry, () -> 0, 10, Duration.ofMillis(2000));
        assertThat(gauge(registry, "hwaas_client_logical_clients")).as("logical clients").isEqualTo(10.0);
        assertThat(gauge(registry, "hwaas_client_interval_seconds")).as("HWAAS_CLIENT_INTERVAL=2s in seconds").isEqualTo(2.0);
    }

    private static double gauge(PrometheusRegistry registry, String name) {
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (snapshot.getMetadata().getPrometheusName().equals(name)) {
                return ((GaugeSnapshot) snapshot).getDataPoints().get(0).getValue();
            }
        }
        throw new AssertionError(name + " is not registered");
    }
}
