package io.hwaas.client.send;

import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/** What a client sends report.lua and what it gets back (the script's header names the same). */
final class ReportScript {
    private static final LuaScript SCRIPT = LuaScript.load(ReportScript.class, "report.lua");

    private ReportScript() {
    }

    /**
     * Writes {@code record} with Redis' time as {@code seen}, and keeps the container in the set of
     * live ones while it runs.
     *
     * @param member the container's entry in that set
     * @param ttl how long the record outlives its last report
     * @return Redis' time in milliseconds
     */
    static long run(Jedis jedis, Keys keys, String member, Duration ttl, ClientRecord record) {
        List<String> args = new ArrayList<>(List.of(member, Long.toString(ttl.toSeconds())));
        for (Map.Entry<String, String> field : record.fields().entrySet()) {
            args.add(field.getKey());
            args.add(field.getValue());
        }
        return (Long) SCRIPT.run(jedis, List.of(keys.clients(), keys.clientRecord(record.container())), args);
    }
}
