package io.hwaas.worker.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dead-letter entry format: one JSON object per refused payload, written by the
 * acknowledgement script ({@code ack.lua}) so that the payload's bytes never travel back from the
 * worker. Fields: {@code reason}, {@code detail}, {@code queue}, {@code worker},
 * {@code failedAtMillis} (Redis' clock), {@code length} (bytes), and either {@code payload}, the
 * payload exactly as found, or, when keeping it whole would make the entry larger than
 * {@link #KEEP_WHOLE_BYTES}, its {@code sha1} and a {@code prefix} of {@link #PREFIX_BYTES}
 * bytes. Bounded entries are what keep a poison payload of any size from stalling a worker: a
 * copy of a huge payload, inflated by escaping, would pass Redis' argument limit and be refused
 * for ever.
 */
public final class DeadLetters {
    /** Largest entry that keeps its payload whole. */
    public static final int KEEP_WHOLE_BYTES = 256 * 1024;
    /** How much of a payload too large to keep whole is kept. */
    public static final int PREFIX_BYTES = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetters() {
    }

    /** The original payload kept in a dead-letter entry, or {@code null} if it was not kept whole or the entry is not one. */
    public static String payloadOf(String entry) {
        try {
            JsonNode node = JSON.readTree(entry);
            return node != null && node.path("payload").isTextual() ? node.get("payload").asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
