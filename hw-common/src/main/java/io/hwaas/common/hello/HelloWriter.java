package io.hwaas.common.hello;

import io.hwaas.common.time.ServiceClock;
import java.time.Duration;
import redis.clients.jedis.Pipeline;

/**
 * How one logical client writes a hello, the one place that knows it: the hello's
 * <em>submitted</em> audit bit, a TTL on the audit block when one is due, and Jesque's
 * {@code RPUSH} to the tail of the queue, all on the caller's pipeline. The client, the
 * benchmark and the tests enqueue through it.
 *
 * <p>The TTL is set when a block is first written and refreshed while it is written to, so a
 * block that a slow client fills over days never expires mid-block. Not thread-safe: one per
 * logical client, used by its sender.
 */
public final class HelloWriter {
    private final Keys keys;
    private final String client;
    private final ServiceClock clock;
    private final long ttlSeconds;
    private final long refreshNanos;
    private long expiredBlock = -1;
    private long expiredAtNanos;

    /**
     * @param client the logical client's id
     * @param auditTtl {@code HWAAS_AUDIT_TTL}
     * @param clock stamps each hello's enqueue time, and times TTL refreshes
     */
    public HelloWriter(Keys keys, String client, Duration auditTtl, ServiceClock clock) {
        this.keys = keys;
        this.client = client;
        this.clock = clock;
        this.ttlSeconds = auditTtl.toSeconds();
        // Refreshing an eighth of the way through keeps at least 7/8 of the TTL ahead of any hello.
        this.refreshNanos = auditTtl.toNanos() / 8;
    }

    public String client() {
        return client;
    }

    /**
     * Queues the writes of hello {@code seq}, stamped now, on {@code pipeline}.
     *
     * @return the payload pushed
     */
    public String write(Pipeline pipeline, long seq, String message) {
        return write(pipeline, seq, message, Hello.micros(clock.now()));
    }

    /**
     * Queues the writes of hello {@code seq} on {@code pipeline}, stamped with the time its
     * client's tick was due, so that latency counts from the tick, however long it was held.
     *
     * @return the payload pushed
     */
    public String write(Pipeline pipeline, long seq, String message, long dueMicros) {
        long block = AuditBits.block(seq);
        String auditKey = keys.audit(client, block);
        pipeline.setbit(auditKey, AuditBits.offset(seq, AuditBits.SUBMITTED), true);
        long now = clock.nanoTime();
        if (block != expiredBlock || now - expiredAtNanos >= refreshNanos) {
            pipeline.expire(auditKey, ttlSeconds);
            expiredBlock = block;
            expiredAtNanos = now;
        }
        String payload = Hello.encode(message, new Hello.Meta(client, seq, dueMicros));
        pipeline.rpush(keys.queue(), payload);
        return payload;
    }

    /** Queues the writes of a "hello, world!" hello. */
    public String write(Pipeline pipeline, long seq) {
        return write(pipeline, seq, Hello.MESSAGE);
    }

    /**
     * Forgets when the TTL was last set: after a reconnect Redis may have restarted without it,
     * and writes whose replies were lost may not have been applied.
     */
    public void forgetExpiry() {
        expiredBlock = -1;
    }
}
