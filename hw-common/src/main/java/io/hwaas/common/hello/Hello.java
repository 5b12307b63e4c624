package io.hwaas.common.hello;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import net.greghaines.jesque.Job;

/**
 * What a hello is on the wire: a Jesque job {@code {"class":"PrintJob","args":["hello, world!"]}}
 * that also carries an {@code "hwaas"} object with the hello's identity and enqueue time.
 *
 * <p>The extra object travels in Jesque's unknown-fields slot, so any Jesque worker still runs the
 * job with its one argument, while HWaaS workers use the identity to deduplicate and audit.
 */
public final class Hello {
    /** The Jesque job name both services agree on. */
    public static final String JOB_NAME = "PrintJob";

    /** What every client submits and every worker prints. */
    public static final String MESSAGE = "hello, world!";

    /** Name of the JSON field that holds {@link Meta}. */
    public static final String META_FIELD = "hwaas";

    /** Default Jesque queue, overridden by {@code HWAAS_QUEUE}. */
    public static final String DEFAULT_QUEUE = "hello";

    /** Jesque's own default namespace, overridden by {@code HWAAS_NAMESPACE}. */
    public static final String DEFAULT_NAMESPACE = "resque";

    private static final JsonFactory JSON = new JsonFactory();

    private Hello() {
    }

    /**
     * The identity and timing of one hello.
     *
     * @param client the logical client that made it, unique per client start
     * @param seq its sequence number at that client, from 1, without gaps
     * @param enqueuedAtMicros when it was made: the wall-clock time its client's tick was due (HWaaS clients
     *     stamp the tick, so latency counts from it), in microseconds since the epoch
     */
    public record Meta(String client, long seq, long enqueuedAtMicros) {
        /** The hello's unique id, {@code client:seq}. */
        public String id() {
            return client + ":" + seq;
        }
    }

    /**
     * Encodes a hello as Jesque job JSON, byte for byte what Jesque's own mapper writes for
     * {@link #toJob}. It uses Jackson's streaming writer because the mapper's first use costs
     * a client more CPU than everything else it does before its first hello.
     */
    public static String encode(String message, Meta meta) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("class", JOB_NAME);
            json.writeArrayFieldStart("args");
            json.writeString(message);
            json.writeEndArray();
            json.writeNullField("vars");
            json.writeObjectFieldStart(META_FIELD);
            json.writeStringField("client", meta.client());
            json.writeNumberField("seq", meta.seq());
            json.writeNumberField("enqueuedAt", meta.enqueuedAtMicros());
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a hello", e);
        }
        return out.toString();
    }

    /** The Jesque job a hello is: {@code PrintJob(message)} carrying its meta as an unknown field. */
    public static Job toJob(String message, Meta meta) {
        Job job = new Job(JOB_NAME, message);
        Map<String, Object> fields = new LinkedHashMap<>(4);
        fields.put("client", meta.client());
        fields.put("seq", meta.seq());
        fields.put("enqueuedAt", meta.enqueuedAtMicros());
        job.setUnknownField(META_FIELD, fields);
        return job;
    }

    /**
     * Reads the {@code "hwaas"} object of a decoded job.
     *
     * @return the meta, or {@code null} when the job has none (a plain Jesque producer)
     * @throws IllegalArgumentException when the object is there but malformed
     */
    public static Meta meta(Job job) {
        Object raw = job.getUnknownField(META_FIELD);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("\"" + META_FIELD + "\" must be an object");
        }
        Object client = map.get("client");
        Object seq = map.get("seq");
        Object at = map.get("enqueuedAt");
        if (!(client instanceof String c) || !ClientIds.isValid(c)) {
            throw new IllegalArgumentException("\"" + META_FIELD + ".client\" must be a client id, got " + client);
        }
        if (!(seq instanceof Number s) || !(seq instanceof Long || seq instanceof Integer) || s.longValue() < 1) {
            throw new IllegalArgumentException("\"" + META_FIELD + ".seq\" must be a whole number >= 1, got " + seq);
        }
        if (!(at instanceof Number t) || !(at instanceof Long || at instanceof Integer)) {
            throw new IllegalArgumentException("\"" + META_FIELD + ".enqueuedAt\" must be microseconds since the epoch, got " + at);
        }
        return new Meta(c, s.longValue(), t.longValue());
    }

    /** Now, in microseconds since the epoch, as carried in {@link Meta#enqueuedAtMicros()}. */
    public static long nowMicros() {
        return micros(java.time.Instant.now());
    }

    /** An instant in microseconds since the epoch. */
    public static long micros(java.time.Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
