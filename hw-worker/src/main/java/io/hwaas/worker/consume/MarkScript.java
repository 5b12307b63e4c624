package io.hwaas.worker.consume;

import io.hwaas.common.redis.LuaScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** What a consumer sends mark.lua and what it gets back: one hello per key, one flag word per hello. */
final class MarkScript {
    private static final LuaScript SCRIPT = LuaScript.load(MarkScript.class, "mark.lua");

    /**
     * One hello to mark claimed.
     *
     * @param auditKey its audit bitmap
     * @param offset the bit offset of its first flag (submitted)
     */
    record Mark(String auditKey, long offset) {
    }

    private MarkScript() {
    }

    /**
     * Queues the marks on a pipeline. The reply holds, per mark, submitted + 2 x claimed-before +
     * 4 x printed as they were, or -1 when the audit key is not a bitmap.
     */
    static Supplier<List<Long>> queue(Pipeline pipeline, Duration auditTtl, List<Mark> marks) {
        List<String> keys = new ArrayList<>(marks.size());
        List<String> args = new ArrayList<>(marks.size() + 1);
        args.add(Long.toString(auditTtl.toSeconds()));
        for (Mark mark : marks) {
            keys.add(mark.auditKey());
            args.add(Long.toString(mark.offset()));
        }
        Response<Object> reply = SCRIPT.queue(pipeline, keys, args);
        @SuppressWarnings("unchecked")
        Supplier<List<Long>> flags = () -> (List<Long>) reply.get();
        return flags;
    }

    /** Loads the script on a new connection, so that a pipelined mark finds it. */
    static void load(Jedis jedis) {
        SCRIPT.load(jedis);
    }
}
