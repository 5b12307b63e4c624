package io.hwaas.worker.recovery;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/** What a worker sends requeue.lua and what it gets back (the script's header names the same). */
final class RequeueScript {
    private static final LuaScript SCRIPT = LuaScript.load(RequeueScript.class, "requeue.lua");

    /**
     * The reply.
     *
     * @param jobs jobs returned to the head of the queue
     * @param wrongType the list or queue left as it was because it is not a list, or {@code null}
     */
    record Requeued(long jobs, String wrongType) {
    }

    private final Keys keys;
    private final String deadAfterMillis;

    RequeueScript(Keys keys, Duration deadAfter) {
        this.keys = keys;
        this.deadAfterMillis = Long.toString(deadAfter.toMillis());
    }

    /**
     * Returns the jobs of {@code inflight} to the head of the queue if {@code owner} is not alive.
     *
     * Nothing moves when either key is of the wrong type.
     */
    Requeued run(Jedis jedis, String inflight, String owner) {
        List<?> reply = (List<?>) SCRIPT.run(jedis, List.of(keys.workers(), inflight, keys.queue()),
                List.of(deadAfterMillis, owner));
        String wrongType = (String) reply.get(1);
        return new Requeued((Long) reply.get(0), wrongType.isEmpty() ? null : wrongType);
    }
}
