package io.hwaas.client.metrics;

import static io.hwaas.runtime.Metrics.counter;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;

/** What a client process counts, exported at {@code /metrics}. */
public final class ClientMetrics {
    private final Counter ticks;
    private final Counter submitted;
    private final Counter retries;
    private final Counter overflowed;

    /**
     * @param buffered reads the number of hellos currently held unsent
     * @param logicalClients logical clients in this process
     * @param interval time between one logical client's hellos ({@code HWAAS_CLIENT_INTERVAL})
     */
    public ClientMetrics(PrometheusRegistry registry, LongSupplier buffered, int logicalClients, Duration interval) {
        ticks = counter(registry, "hwaas_client_ticks_total", "Hellos created by the clients' schedules.");
        submitted = counter(registry, "hwaas_client_submitted_total", "Hellos enqueued in Redis.");
        retries = counter(registry, "hwaas_client_retries_total",
                "Failed attempts to send held hellos, each followed by a retry with backoff.");
        overflowed = counter(registry, "hwaas_client_overflowed_total",
                "Hellos dropped because a client's buffer was full while Redis was unreachable: lost.");
        GaugeWithCallback.builder().name("hwaas_client_buffered")
                .help("Hellos held by the clients, not yet enqueued.")
                .callback(callback -> callback.call(buffered.getAsLong())).register(registry);
        Gauge.builder().name("hwaas_client_logical_clients")
                .help("Logical clients in this process; each expects to submit one hello per interval.")
                .register(registry).set(logicalClients);
        // The alerts' expected hello rate is logical clients / interval, per process: read from here,
        // not assumed to be one a second.
        Gauge.builder().name("hwaas_client_interval_seconds")
                .help("Time between one logical client's hellos (HWAAS_CLIENT_INTERVAL).")
                .register(registry).set(interval.toNanos() / 1e9);
    }

    public void tick() {
        ticks.inc();
    }

    public void submitted(int n) {
        submitted.inc(n);
    }

    public void retry() {
        retries.inc();
    }

    public void overflowed() {
        overflowed.inc();
    }

    public long submittedTotal() {
        return (long) submitted.get();
    }

    public long retriesTotal() {
        return (long) retries.get();
    }
}
