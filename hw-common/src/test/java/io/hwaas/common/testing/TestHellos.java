package io.hwaas.common.testing;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Enqueues hellos the way a client does: audit bit, then the Jesque job. */
public final class TestHellos {
    private TestHellos() {
    }

    /** Enqueues {@code message} from {@code client} with sequence numbers {@code from..to}; returns the payloads. */
    public static List<String> enqueue(Jedis jedis, Keys keys, String client, long from, long to, String message) {
        List<String> payloads = new ArrayList<>();
        Pipeline p = jedis.pipelined();
        for (long seq = from; seq <= to; seq++) {
            String key = keys.audit(client, AuditBits.block(seq));
            p.setbit(key, AuditBits.offset(seq, AuditBits.SUBMITTED), true);
            p.expire(key, 3600);
            String payload = Hello.encode(message, new Hello.Meta(client, seq, Hello.nowMicros()));
            payloads.add(payload);
            p.rpush(keys.queue(), payload);
        }
        p.sync();
        return payloads;
    }

    /** Enqueues "hello, world!" hellos. */
    public static List<String> enqueue(Jedis jedis, Keys keys, String client, long from, long to) {
        return enqueue(jedis, keys, client, from, to, Hello.MESSAGE);
    }

    /** Waits until {@code condition} holds, or fails after {@code seconds}. */
    public static void await(String what, long seconds, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + "s waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
