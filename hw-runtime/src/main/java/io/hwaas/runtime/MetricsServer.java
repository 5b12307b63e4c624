package io.hwaas.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP endpoint every worker and client serves: {@code /metrics} in the Prometheus format
 * (the official client's handler) and {@code /healthz}, which answers 200 while the service's
 * main loop is making progress and 503 when it is stuck. One daemon thread serves both: a
 * scrape every few seconds needs no more, and 1000 clients each pay for it.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Registers the JVM basics (memory, threads, process CPU and start time, runtime version) and
     * {@code hwaas_healthy}, what {@code /healthz} answers as a number, on {@code registry} and
     * starts serving.
     *
     * @param port TCP port on all interfaces
     * @param healthy whether the service is making progress
     */
    public static MetricsServer start(int port, PrometheusRegistry registry, BooleanSupplier healthy) throws IOException {
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        // So that an alert can read /healthz: Prometheus scrapes /metrics, not /healthz.
        GaugeWithCallback.builder().name("hwaas_healthy")
                .help("1 while /healthz answers 200 (the service makes progress), 0 while it answers 503.")
                .callback(callback -> callback.call(healthy.getAsBoolean() ? 1 : 0)).register(registry);

        HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/healthz", exchange -> health(exchange, healthy.getAsBoolean()));
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsServer(server, executor);
    }

    /**
     * A service's endpoint on {@code port}, as {@link #start}, or none for port 0
     * ({@code HWAAS_METRICS_PORT=0}): nothing served, and closing it does nothing.
     */
    public static MetricsServer serve(int port, PrometheusRegistry registry, BooleanSupplier healthy) throws IOException {
        return port == 0 ? new MetricsServer(null, null) : start(port, registry, healthy);
    }

    /** The port actually bound, useful when started on port 0 in tests. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, boolean healthy) throws IOException {
        byte[] body = (healthy ? "ok\n" : "stalled\n").getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
