package io.hwaas.common.hello;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client container tells the audit, in the hash {@link Keys#clientRecord}, rewritten with
 * every heartbeat (once a second) and when it stops: how many hellos each of its logical clients
 * has made ({@code ticks}) and how many Redis has confirmed ({@code sent}). Hellos themselves
 * only show what reached Redis; this shows what should have, so that the audit can count hellos
 * that were made and never sent, and can say when it cannot know (a container that vanished).
 *
 * @param container the container's name; its logical clients are {@code container-0..clients-1}
 * @param clients logical clients in the container
 * @param intervalMillis time between one client's hellos
 * @param seenMillis when it last reported, on Redis' clock
 * @param state {@link #RUNNING}, {@link #STOPPED} (stopped itself), or {@link #ADOPTED} (stopped
 *     or died, and another container re-sent what its ledger held)
 * @param ticks hellos made, per logical client
 * @param sent hellos Redis confirmed, per logical client
 * @param ledger whether unsent hellos are kept on disk (HWAAS_CLIENT_LEDGER_DIR), so that a
 *     container that stopped or died holding some can have them re-sent
 */
public record ClientRecord(String container, int clients, long intervalMillis, long seenMillis, String state,
        long[] ticks, long[] sent, boolean ledger) {

    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";
    public static final String ADOPTED = "adopted";

    /** The logical client {@code index}'s id. */
    public String client(int index) {
        return container + "-" + index;
    }

    /** The hash fields, for HSET (the script that writes them adds {@code seen} on Redis' clock). */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("clients", Integer.toString(clients));
        fields.put("interval", Long.toString(intervalMillis));
        fields.put("state", state);
        fields.put("ticks", join(ticks));
        fields.put("sent", join(sent));
        fields.put("ledger", ledger ? "1" : "0");
        return fields;
    }

    /**
     * Reads a record back.
     *
     * @return the record, or {@code null} when the hash is not one (missing fields, wrong numbers)
     */
    public static ClientRecord parse(String container, Map<String, String> hash) {
        try {
            int clients = Integer.parseInt(hash.get("clients"));
            long[] ticks = split(hash.get("ticks"), clients);
            long[] sent = split(hash.get("sent"), clients);
            if (ticks == null || sent == null) {
                return null;
            }
            return new ClientRecord(container, clients, Long.parseLong(hash.get("interval")),
                    Long.parseLong(hash.getOrDefault("seen", "0")), String.valueOf(hash.get("state")), ticks, sent,
                    "1".equals(hash.get("ledger")));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String join(long[] values) {
        StringBuilder out = new StringBuilder(values.length * 6);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(values[i]);
        }
        return out.toString();
    }

    private static long[] split(String value, int expected) {
        if (value == null) {
            return null;
        }
        List<Long> parts = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            parts.add(Long.parseLong(part));
        }
        if (parts.size() != expected) {
            return null;
        }
        return parts.stream().mapToLong(Long::longValue).toArray();
    }
}
