package io.hwaas.common.redis;

import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

/**
 * When a write counts as done. Redis replicates asynchronously, so a write the primary has
 * acknowledged can vanish when a replica that never received it is promoted. With
 * {@code HWAAS_REDIS_WAIT_REPLICAS} above 0, a round trip ends with {@code WAIT}, in the same
 * pipeline, and counts only once that many replicas have every write before it; otherwise it
 * fails as {@link RedisFailure#UNAVAILABLE} and the caller sends it again (its writes are
 * idempotent, or deduplicated downstream).
 */
public final class Replication {
    private final int replicas;
    private final String timeoutMillis;

    /**
     * @param replicas replicas that must confirm (0: the primary's reply is enough)
     * @param timeout the longest one WAIT may block
     */
    public Replication(int replicas, Duration timeout) {
        this.replicas = replicas;
        this.timeoutMillis = Long.toString(timeout.toMillis());
    }

    /** The replication the configuration asks for. */
    public static Replication of(RedisConfig config) {
        return new Replication(config.waitReplicas(), config.waitTimeout());
    }

    /** Whether writes wait for replicas at all. */
    public boolean waits() {
        return replicas > 0;
    }

    /**
     * Sends the pipeline and waits for every reply, then for the replicas.
     *
     * @throws redis.clients.jedis.exceptions.JedisDataException an error reply ({@link Pipelines#sync})
     * @throws RedisConnector.RedisUnavailable too few replicas confirmed in time
     */
    public void sync(Pipeline pipeline) {
        Response<Object> confirmed = replicas > 0
                ? pipeline.sendCommand("", Protocol.Command.WAIT, Integer.toString(replicas), timeoutMillis) : null;
        List<Object> replies = Pipelines.sync(pipeline);
        if (confirmed != null) {
            check(replies.get(replies.size() - 1));
        }
    }

    /** Waits for the replicas to have the writes already sent on {@code jedis}. */
    public void await(Jedis jedis) {
        if (replicas > 0) {
            check(jedis.sendCommand(Protocol.Command.WAIT, Integer.toString(replicas), timeoutMillis));
        }
    }

    private void check(Object reply) {
        long got = reply instanceof Long n ? n : -1;
        if (got < replicas) {
            throw new RedisConnector.RedisUnavailable("only " + Math.max(got, 0) + " of " + replicas
                    + " replica(s) confirmed the write within " + timeoutMillis + " ms (HWAAS_REDIS_WAIT_REPLICAS)");
        }
    }
}
