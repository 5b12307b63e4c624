package io.hwaas.worker.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.worker.job.Decoded;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dead-letter entry format: one JSON object per refused payload, holding the payload
 * exactly as it was found and why it was refused, so that nothing vanishes silently and an
 * operator can fix and re-enqueue it.
 */
public final class DeadLetters {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetters() {
    }

    /** The entry for {@code payload}, refused by {@code worker} for {@code poison}. */
    public static String entry(String payload, Decoded.Poison poison, String queue, String worker) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("reason", poison.reason().label());
        entry.put("detail", poison.detail());
        entry.put("queue", queue);
        entry.put("worker", worker);
        entry.put("failedAt", Instant.now().toString());
        entry.put("payload", payload);
        try {
            return JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a dead-letter entry", e);
        }
    }

    /** The original payload kept in a dead-letter entry, or {@code null} if the entry is not one. */
    public static String payloadOf(String entry) {
        try {
            var node = JSON.readTree(entry);
            return node != null && node.path("payload").isTextual() ? node.get("payload").asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
