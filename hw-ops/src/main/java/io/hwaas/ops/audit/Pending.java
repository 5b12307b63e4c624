package io.hwaas.ops.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hwaas.common.hello.Hello;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Hellos still waiting somewhere: in the queue, in an in-flight list, or dead-lettered, per client
 * as {@link SeqRanges}. Read in pages and parsed with a streaming parser that looks only for the
 * hello's identity, so millions of queued hellos take seconds and little memory. A page is bounded
 * in bytes too (page.lua), and a payload longer than any worker parses is counted, never read, so
 * large junk cannot exhaust the audit's heap. A key of the wrong type where a list should be
 * (something else wrote it) is not read but named in {@link #unreadable}: the audit cannot say
 * what it holds.
 */
final class Pending {
    private static final int PAGE = 10_000;
    /** A page ends with the payload that takes it past this many bytes. */
    private static final int PAGE_BYTES = 4 << 20;
    /** The largest HWAAS_MAX_PAYLOAD_BYTES allows: no worker parses a longer payload, nor the audit. */
    private static final int LONGEST = 1 << 20;
    private static final LuaScript PAGE_SCRIPT = LuaScript.load(Pending.class, "page.lua");
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper ENTRIES = new ObjectMapper();

    private final Map<String, SeqRanges> waiting = new HashMap<>();
    private final Map<String, SeqRanges> deadLetters = new HashMap<>();
    /** The keys of the wrong type, each with what it is. */
    final List<String> unreadable = new ArrayList<>();
    long queued;
    long inFlight;
    long deadLettered;

    /** Whether the hello is queued or in flight. */
    boolean contains(String client, long seq) {
        return in(waiting, client, seq);
    }

    /** Whether the hello is in the dead-letter list: kept, but not going to print. */
    boolean deadLettered(String client, long seq) {
        return in(deadLetters, client, seq);
    }

    private static boolean in(Map<String, SeqRanges> map, String client, long seq) {
        SeqRanges ranges = map.get(client);
        return ranges != null && ranges.contains(seq);
    }

    /** Reads what is waiting now. */
    static Pending read(Jedis jedis, Keys keys) {
        Pending pending = new Pending();
        // In-flight first: a job moving from queue to in-flight meanwhile is then seen in the queue.
        ScanParams params = new ScanParams().match(keys.inflightPattern()).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            for (String list : page.getResult()) {
                pending.inFlight += pending.collect(jedis, list, false);
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        pending.queued = pending.collect(jedis, keys.queue(), false);
        pending.deadLettered = pending.collect(jedis, keys.deadLetter(), true);
        return pending;
    }

    private long collect(Jedis jedis, String list, boolean deadLetterEntries) {
        long count = 0;
        long start = 0;
        while (true) {
            List<String> page;
            boolean more;
            try {
                List<?> reply = (List<?>) PAGE_SCRIPT.run(jedis, List.of(list), List.of(Long.toString(start),
                        Integer.toString(PAGE), Integer.toString(PAGE_BYTES), Integer.toString(LONGEST)));
                more = Long.valueOf(1).equals(reply.get(0));
                @SuppressWarnings("unchecked")
                List<String> items = (List<String>) reply.get(1);
                page = items;
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().contains("WRONGTYPE")) {
                    throw e;
                }
                unreadable.add(list + ": a " + jedis.type(list) + " where a list of jobs should be; not read (a"
                        + " hello in it counts as lost, not waiting)");
                return count;
            }
            for (String item : page) {
                String payload = deadLetterEntries ? payloadOf(item) : item;
                if (payload != null) {
                    add(payload, deadLetterEntries ? deadLetters : waiting);
                }
            }
            count += page.size();
            start += page.size();
            if (!more || page.isEmpty()) {
                return count;
            }
        }
    }

    /**
     * The original payload kept in a dead-letter entry (the worker's {@code DeadLetters} describes
     * the format), or {@code null} if it was not kept whole or the entry is not one.
     */
    static String payloadOf(String entry) {
        try {
            JsonNode node = ENTRIES.readTree(entry);
            return node != null && node.path("payload").isTextual() ? node.get("payload").asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Records the hello a payload is, if it is one; anything else is not the audit's business. */
    private static void add(String payload, Map<String, SeqRanges> into) {
        String client = null;
        long seq = -1;
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (Hello.META_FIELD.equals(field) && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        JsonToken token = parser.nextToken();
                        if ("client".equals(name) && token == JsonToken.VALUE_STRING) {
                            client = parser.getText();
                        } else if ("seq".equals(name) && token == JsonToken.VALUE_NUMBER_INT) {
                            seq = parser.getLongValue();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    break;
                }
                parser.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (client != null && seq > 0) {
            into.computeIfAbsent(client, c -> new SeqRanges()).add(seq);
        }
    }
}
