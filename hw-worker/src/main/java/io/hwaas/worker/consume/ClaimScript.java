package io.hwaas.worker.consume;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * What a consumer sends claim.lua and what it gets back, named in one place (the script's header
 * names the same). A payload longer than the largest parsed is moved into the in-flight list but
 * not sent back: a placeholder with its length stands in ({@link #oversizedLength}).
 */
final class ClaimScript {
    private static final LuaScript SCRIPT = LuaScript.load(ClaimScript.class, "claim.lua");
    private static final String OVERSIZED = "\0oversized ";

    /**
     * The reply.
     *
     * @param unregistered the worker is not registered (peers declared it dead): nothing was claimed
     * @param payloads the jobs claimed, in queue order
     */
    record Claimed(boolean unregistered, List<String> payloads) {
    }

    private final List<String> keys;
    private final List<String> args;

    /**
     * @param batchSize most jobs one claim takes
     * @param maxBatchBytes a claim stops adding jobs once their total size passes this
     * @param maxPayloadBytes longer payloads are sent back as a placeholder
     */
    ClaimScript(Keys keys, String inflight, String worker, int batchSize, int maxBatchBytes, int maxPayloadBytes) {
        this.keys = List.of(keys.queue(), inflight, keys.workers());
        this.args = List.of(Integer.toString(batchSize), Integer.toString(maxBatchBytes), worker,
                Integer.toString(maxPayloadBytes));
    }

    Claimed run(Jedis jedis) {
        return decode(SCRIPT.run(jedis, keys, args));
    }

    /** Queues a claim on a pipeline; the reply is read after the pipeline's sync. */
    Supplier<Claimed> queue(Pipeline pipeline) {
        Response<Object> reply = SCRIPT.queue(pipeline, keys, args);
        return () -> decode(reply.get());
    }

    /** Loads the script on a new connection, so that a pipelined claim finds it. */
    static void load(Jedis jedis) {
        SCRIPT.load(jedis);
    }

    /** The length of the payload a placeholder stands for, or -1 when {@code payload} was sent whole. */
    static long oversizedLength(String payload) {
        return payload.startsWith(OVERSIZED) ? Long.parseLong(payload.substring(OVERSIZED.length())) : -1;
    }

    @SuppressWarnings("unchecked")
    private static Claimed decode(Object reply) {
        return "UNREGISTERED".equals(reply) ? new Claimed(true, List.of()) : new Claimed(false, (List<String>) reply);
    }
}
