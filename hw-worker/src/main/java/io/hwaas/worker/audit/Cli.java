package io.hwaas.worker.audit;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.redis.RedisConnector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;

/** What the operator commands share: a connection that waits a little, then gives up clearly. */
final class Cli {
    private Cli() {
    }

    /** Connects within {@code patience}, or returns null after printing why not. */
    static Jedis connect(CommonConfig config, String purpose, Duration patience) throws InterruptedException {
        RedisConnector connector = new RedisConnector(config.redis(), config.redisTimeout(), config.redisCaFile(),
                "hwaas-" + purpose);
        AtomicLong deadline = new AtomicLong(System.nanoTime() + patience.toNanos());
        Jedis jedis = connector.connect(purpose, () -> System.nanoTime() < deadline.get());
        if (jedis == null) {
            System.err.println(purpose + ": cannot reach Redis at " + config.redis() + " within " + patience.toSeconds()
                    + "s (see the log above)");
        }
        return jedis;
    }
}
