package io.hwaas.common.redis;

import java.util.List;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Pipelines that fail loudly. Jedis' {@code sync()} keeps a command's error reply inside its
 * response, so a refused write (out of memory under {@code noeviction}, a missing permission)
 * would pass for a success and a hello would be dropped as if sent. Here any error reply fails the
 * whole round trip, and the caller retries it.
 */
public final class Pipelines {
    private Pipelines() {
    }

    /**
     * Sends the pipeline and waits for every reply.
     *
     * @return the replies, in order
     * @throws JedisDataException the first error reply, including one inside a MULTI/EXEC
     */
    public static List<Object> sync(Pipeline pipeline) {
        List<Object> replies = pipeline.syncAndReturnAll();
        for (Object reply : replies) {
            check(reply);
        }
        return replies;
    }

    private static void check(Object reply) {
        if (reply instanceof JedisDataException error) {
            throw error;
        }
        if (reply instanceof List<?> replies) {
            for (Object inner : replies) {
                check(inner);
            }
        }
    }
}
