package io.hwaas.worker.recovery;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/** What a worker sends heartbeat.lua and what it gets back, named in one place (the script's header names the same). */
final class BeatScript {
    private static final LuaScript SCRIPT = LuaScript.load(BeatScript.class, "heartbeat.lua");

    /**
     * The reply.
     *
     * @param registeredBefore false on the first beat, or when peers had declared the worker dead
     * @param redisMillis Redis' time
     * @param pastDeadAfter how many workers have not beaten for longer than dead-after
     */
    record Beat(boolean registeredBefore, long redisMillis, long pastDeadAfter) {
    }

    private final List<String> keys;
    private final List<String> before;
    private final List<String> after;

    /** @param inflightKeys the in-flight lists of the worker's consumers, registered with it */
    BeatScript(Keys keys, String worker, Duration deadAfter, List<String> inflightKeys) {
        this.keys = List.of(keys.workers(), keys.workerInflight(worker), keys.jesqueWorkers(), keys.queues(),
                keys.workerStats(worker));
        this.before = List.of(worker, Long.toString(deadAfter.toMillis()));
        // The published figures outlive a few missed beats, not a dead worker.
        List<String> rest = new ArrayList<>(List.of(Long.toString(deadAfter.toMillis() * 3), keys.queueName(),
                keys.queue()));
        rest.addAll(inflightKeys);
        this.after = List.copyOf(rest);
    }

    /**
     * One beat.
     *
     * @param figures the figures to publish for {@code status} (JSON), or {@code null} when unchanged
     */
    Beat run(Jedis jedis, String figures) {
        List<String> args = new ArrayList<>(before.size() + 1 + after.size());
        args.addAll(before);
        args.add(figures == null ? "" : figures);
        args.addAll(after);
        @SuppressWarnings("unchecked")
        List<Long> reply = (List<Long>) SCRIPT.run(jedis, keys, args);
        return new Beat(reply.get(0) == 1, reply.get(1), reply.get(2));
    }
}
