package io.hwaas.ops;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisSession;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/** What the operator commands share: a connection that waits a little, then gives up clearly. */
public final class Cli {
    private Cli() {
    }

    /**
     * A session connected within {@code patience}, or {@code null} after printing why not. Close
     * it when done.
     */
    public static RedisSession connect(CommonConfig config, String purpose, Duration patience)
            throws InterruptedException {
        RedisSession session = RedisSession.to(RedisConnector.of(config.redis(), "hwaas-" + purpose), purpose).build();
        long deadline = System.nanoTime() + patience.toNanos();
        Jedis jedis = session.connected(() -> System.nanoTime() < deadline);
        if (jedis == null) {
            System.err.println(purpose + ": cannot reach Redis at " + config.redis().describe() + " within "
                    + patience.toSeconds() + "s (see the log above)");
            session.close();
            return null;
        }
        return session;
    }

    /** Redis' own clock, in milliseconds: what heartbeats are scored by. */
    public static long redisMillis(Jedis jedis) {
        List<String> time = jedis.time();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }
}
