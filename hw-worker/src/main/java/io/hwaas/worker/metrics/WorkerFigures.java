package io.hwaas.worker.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures a worker publishes with each heartbeat for {@code ./hwaas status} and the
 * benchmark: totals, the print rate and latency buckets over the last ten seconds, and the
 * cumulative latency buckets. Called from the heartbeat thread only.
 */
public final class WorkerFigures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WINDOW = 10;

    private final WorkerMetrics metrics;
    private final int threads;
    private final long[] printedAt = new long[WINDOW + 1];
    private final long[][] bucketsAt = new long[WINDOW + 1][];
    private final long[] sampledAtNanos = new long[WINDOW + 1];
    private int samples;

    public WorkerFigures(WorkerMetrics metrics, int threads) {
        this.metrics = metrics;
        this.threads = threads;
    }

    /** Samples the counters and renders the figures as JSON. */
    public String sample() {
        long printed = metrics.printedTotal();
        long[] buckets = metrics.latencyBuckets();
        long now = System.nanoTime();
        int slot = samples % printedAt.length;
        printedAt[slot] = printed;
        bucketsAt[slot] = buckets;
        sampledAtNanos[slot] = now;
        int oldest = samples < WINDOW ? 0 : (samples - WINDOW) % printedAt.length;
        samples++;
        double seconds = (now - sampledAtNanos[oldest]) / 1e9;
        double rate = seconds > 0 ? (printed - printedAt[oldest]) / seconds : 0;

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("printed", printed);
        figures.put("rate10s", Math.round(rate * 10) / 10.0);
        figures.put("threads", threads);
        figures.put("latencyBounds", WorkerMetrics.LATENCY_BOUNDS);
        figures.put("latencyBuckets", buckets);
        long[] recent = new long[buckets.length];
        for (int i = 0; i < recent.length; i++) {
            recent[i] = buckets[i] - bucketsAt[oldest][i];
        }
        figures.put("recentLatencyBuckets", recent);
        try {
            return JSON.writeValueAsString(figures);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
