package io.hwaas.common.testing;

import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.time.ServiceClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Enqueues hellos the way a client does, through the client's own {@link HelloWriter}. */
public final class TestHellos {
    /** The audit TTL the tests' hellos get, the product's default. */
    public static final Duration TTL = Duration.ofHours(24);

    private TestHellos() {
    }

    /** Enqueues {@code message} from {@code client} with sequence numbers {@code from..to}; returns the payloads. */
    public static List<String> enqueue(Jedis jedis, Keys keys, String client, long from, long to, String message) {
        HelloWriter writer = new HelloWriter(keys, client, TTL, ServiceClock.system());
        List<String> payloads = new ArrayList<>();
        Pipeline p = jedis.pipelined();
        for (long seq = from; seq <= to; seq++) {
            payloads.add(writer.write(p, seq, message));
            if ((seq - from) % 10_000 == 9_999) {
                Pipelines.sync(p);
                p = jedis.pipelined();
            }
        }
        Pipelines.sync(p);
        return payloads;
    }

    /** Enqueues "hello, world!" hellos. */
    public static List<String> enqueue(Jedis jedis, Keys keys, String client, long from, long to) {
        return enqueue(jedis, keys, client, from, to, Hello.MESSAGE);
    }
}
