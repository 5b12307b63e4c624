package io.hwaas.worker.consume;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * What a consumer sends watch.lua and what it gets back: whether its worker holds the
 * deployment's watch, the right to block in {@code BLMOVE} on the queue, for a lease it renews
 * each time it blocks. A holder offers the watch on after a while and keeps watching until another
 * worker takes it, so the work moves round the workers with no moment unwatched.
 */
final class WatchScript {
    private static final LuaScript SCRIPT = LuaScript.load(WatchScript.class, "watch.lua");

    private final List<String> keys;
    private final List<String> take;
    private final List<String> offer;
    private final List<String> giveUp;

    /** @param lease how long the watch stays the worker's after each renewal */
    WatchScript(Keys keys, String worker, Duration lease) {
        this.keys = List.of(keys.watcher());
        String millis = Long.toString(lease.toMillis());
        this.take = List.of(worker, millis, "take");
        this.offer = List.of(worker, millis, "offer");
        this.giveUp = List.of(worker, millis, "give");
    }

    /** Takes the watch if nobody holds it, or renews it; whether the worker holds it now. */
    boolean take(Jedis jedis) {
        return Long.valueOf(1).equals(SCRIPT.run(jedis, keys, take));
    }

    /**
     * Renews the worker's watch on a pipeline, as an offer to the other workers when
     * {@code offering}; whether it still holds it is read after the pipeline's sync.
     */
    BooleanSupplier queueRenew(Pipeline pipeline, boolean offering) {
        Response<Object> reply = SCRIPT.queue(pipeline, keys, offering ? offer : take);
        return () -> Long.valueOf(1).equals(reply.get());
    }

    /** Gives the watch up, if the worker holds it, so that another takes it at once. */
    void giveUp(Jedis jedis) {
        SCRIPT.run(jedis, keys, giveUp);
    }

    /** Loads the script on a new connection, so that a pipelined renewal finds it. */
    static void load(Jedis jedis) {
        SCRIPT.load(jedis);
    }
}
