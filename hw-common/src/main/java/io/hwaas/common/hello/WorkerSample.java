package io.hwaas.common.hello;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters a worker publishes with each heartbeat ({@link Keys#workerStats}), as one line of
 * JSON: the worker writes it, {@code status} and the latency benchmark read it. Readers take rates
 * and quantiles from two samples of one worker.
 *
 * @param sampledAtMillis when the worker sampled them, on its own clock
 * @param latencyBounds the latency buckets' upper bounds in seconds
 * @param latencyBuckets cumulative counts, one per bound and the last for +Inf
 */
public record WorkerSample(long printed, int threads, long sampledAtMillis, double[] latencyBounds,
        long[] latencyBuckets) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON the worker publishes. */
    public String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("printed", printed);
        fields.put("threads", threads);
        fields.put("sampledAtMillis", sampledAtMillis);
        fields.put("latencyBounds", latencyBounds);
        fields.put("latencyBuckets", latencyBuckets);
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A published sample, or {@code null} for none or a malformed one (the buckets not one more
     * than the bounds); a missing number reads as 0.
     */
    public static WorkerSample parse(String json) {
        if (json == null) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
        JsonNode bounds = node.path("latencyBounds");
        JsonNode buckets = node.path("latencyBuckets");
        if (!bounds.isArray() || !buckets.isArray() || buckets.size() != bounds.size() + 1) {
            return null;
        }
        double[] b = new double[bounds.size()];
        for (int k = 0; k < b.length; k++) {
            b[k] = bounds.path(k).asDouble();
        }
        long[] cumulative = new long[buckets.size()];
        for (int k = 0; k < cumulative.length; k++) {
            cumulative[k] = buckets.path(k).asLong();
        }
        return new WorkerSample(node.path("printed").asLong(), node.path("threads").asInt(),
                node.path("sampledAtMillis").asLong(), b, cumulative);
    }
}
