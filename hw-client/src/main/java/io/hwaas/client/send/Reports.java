package io.hwaas.client.send;

import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Keys;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A container's heartbeat and its report to the audit ({@link ClientRecord}): how many hellos
 * each logical client made and how many it no longer holds. Written with Redis' clock, once a
 * second and when the container stops, and by an adopter for a container that died.
 */
final class Reports {
    private final Keys keys;
    private final Duration ttl;

    Reports(Keys keys, Duration ttl) {
        this.keys = keys;
        this.ttl = ttl;
    }

    /**
     * Reports on {@code outboxes}, the logical clients {@code container-0..n-1} in order.
     *
     * @param member the container's entry in the set of live containers ({@code container:clients})
     */
    void report(Jedis jedis, String container, String member, long intervalMillis, String state, List<Outbox> outboxes,
            boolean ledger) {
        long[] ticks = new long[outboxes.size()];
        long[] settled = new long[outboxes.size()];
        for (int i = 0; i < outboxes.size(); i++) {
            ticks[i] = outboxes.get(i).made();
            settled[i] = outboxes.get(i).settled();
        }
        ClientRecord record = new ClientRecord(container, outboxes.size(), intervalMillis, 0, state, ticks, settled,
                ledger);
        ReportScript.run(jedis, keys, member, ttl, record);
    }
}
