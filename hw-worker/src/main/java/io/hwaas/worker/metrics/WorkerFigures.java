package io.hwaas.worker.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.time.ServiceClock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters a worker publishes with each heartbeat for {@code status} and the latency
 * benchmark: hellos printed and the cumulative latency buckets, with when they were sampled.
 * Readers take rates and quantiles from two reads, each worker's over the time between its two
 * samples. Called from the heartbeat thread only.
 */
public final class WorkerFigures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkerMetrics metrics;
    private final ServiceClock clock;
    private final int threads;

    /** @param clock stamps each sample (status takes rates from two samples of one worker) */
    public WorkerFigures(WorkerMetrics metrics, int threads, ServiceClock clock) {
        this.metrics = metrics;
        this.threads = threads;
        this.clock = clock;
    }

    /** Samples the counters and renders the figures as JSON. */
    public String sample() {
        long printed = metrics.printedTotal();
        long[] buckets = metrics.latencyBuckets();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("printed", printed);
        fields.put("threads", threads);
        fields.put("sampledAtMillis", clock.millis());
        fields.put("latencyBounds", WorkerMetrics.LATENCY_BOUNDS);
        fields.put("latencyBuckets", buckets);
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
