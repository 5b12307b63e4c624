package io.hwaas.worker.recovery;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/** What a worker sends sweep.lua and what it gets back, named in one place (the script's header names the same). */
final class SweepScript {
    private static final LuaScript SCRIPT = LuaScript.load(SweepScript.class, "sweep.lua");

    /**
     * The reply.
     *
     * @param jobs jobs returned to the head of their queues
     * @param removed the workers whose registration was removed
     * @param wrongType keys left as they were because they are of the wrong type (a registration
     *     that is not a hash, an in-flight list or queue that is not a list): their jobs, if any,
     *     stay where they are
     */
    record Swept(long jobs, List<String> removed, List<String> wrongType) {
    }

    private final List<String> keys;
    private final String deadAfterMillis;
    private final String[] registration;

    SweepScript(Keys keys, Duration deadAfter) {
        this.keys = List.of(keys.workers(), keys.jesqueWorkers());
        this.deadAfterMillis = Long.toString(deadAfter.toMillis());
        this.registration = keys.workerInflightParts();
    }

    /** Sweeps every worker past dead-after on Redis' clock (up to 64 at a time). */
    Swept dead(Jedis jedis) {
        return run(jedis, "");
    }

    /** Retires {@code worker} whatever its heartbeat: a stopping worker hands back its own leftovers. */
    Swept retire(Jedis jedis, String worker) {
        return run(jedis, worker);
    }

    @SuppressWarnings("unchecked")
    private Swept run(Jedis jedis, String only) {
        List<Object> reply = (List<Object>) SCRIPT.run(jedis, keys,
                List.of(deadAfterMillis, registration[0], registration[1], only));
        return new Swept((Long) reply.get(0), (List<String>) reply.get(1), (List<String>) reply.get(2));
    }
}
