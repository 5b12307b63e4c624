package io.hwaas.ops.status;

import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Where the data lives, for {@code status}: the primary, its replicas and how far behind each is,
 * and, with Sentinels, whether they can agree on a failover (quorum).
 */
final class Topology {
    private Topology() {
    }

    /** The lines to show; {@code primary} is a connection to the primary. */
    static List<String> describe(RedisConnector connector, Jedis primary) {
        List<String> lines = new ArrayList<>();
        long primaryOffset = 0;
        List<String> replicas = new ArrayList<>();
        for (String line : primary.info("replication").split("\r?\n")) {
            if (line.startsWith("master_repl_offset:")) {
                primaryOffset = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.matches("slave\\d+:.*")) {
                replicas.add(line.substring(line.indexOf(':') + 1));
            }
        }
        String host = connector.config().sentinels() == null ? connector.config().url().host() + ":"
                + connector.config().url().port() : "see Sentinels";
        lines.add("redis primary        " + (connector.config().sentinels() == null ? host : primaryName(connector))
                + ", " + replicas.size() + " replica(s)");
        for (String replica : replicas) {
            Map<String, String> fields = fields(replica);
            long offset = parse(fields.get("offset"));
            lines.add(String.format("  replica            %s:%s %s, %d bytes behind, last ack %s s ago", fields.get("ip"),
                    fields.get("port"), fields.get("state"), Math.max(0, primaryOffset - offset), fields.get("lag")));
        }
        if (connector.config().sentinels() != null) {
            lines.add("sentinels            " + quorum(connector));
        }
        return lines;
    }

    private static String primaryName(RedisConnector connector) {
        try (Jedis sentinel = connector.openSentinel()) {
            List<String> address = sentinel.sentinelGetMasterAddrByName(connector.config().sentinels().master());
            return address == null ? "unknown to the Sentinels" : address.get(0) + ":" + address.get(1);
        } catch (JedisException e) {
            return "unknown (" + RedisFailure.describe(e) + ")";
        }
    }

    private static String quorum(RedisConnector connector) {
        String master = connector.config().sentinels().master();
        try (Jedis sentinel = connector.openSentinel()) {
            Object reply = sentinel.sendCommand(Protocol.Command.SENTINEL, "CKQUORUM", master);
            String verdict = reply instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                    : String.valueOf(reply);
            Map<String, String> state = sentinel.sentinelMasters().stream()
                    .filter(m -> master.equals(m.get("name"))).findFirst().orElse(Map.of());
            return verdict + " (quorum " + state.getOrDefault("quorum", "?") + ", " + (1 + parse(state.get("num-other-sentinels")))
                    + " Sentinels, primary flags " + state.getOrDefault("flags", "?") + ")";
        } catch (JedisException e) {
            return "NOT OK: " + RedisFailure.describe(e);
        }
    }

    private static Map<String, String> fields(String csv) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (String pair : csv.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }

    private static long parse(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
