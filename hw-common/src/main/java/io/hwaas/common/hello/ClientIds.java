package io.hwaas.common.hello;

import java.util.Locale;

/**
 * Client identities. An id is fresh for every start of a client ({@code prefix-startTime-index}),
 * so sequence numbers never repeat under one id and a restarted client is never mistaken for a
 * duplicate of its earlier life.
 */
public final class ClientIds {
    private ClientIds() {
    }

    /**
     * @param prefix usually the container's host name
     * @param startMillis when the client process started
     * @param index the logical client's index within its container, from 0
     */
    public static String of(String prefix, long startMillis, int index) {
        return Names.startedName(Names.keySafe(prefix, 40), startMillis) + "-" + index;
    }

    /** The container an id made by {@link #of} belongs to ({@code prefix-startTime}), or {@code null}. */
    public static String container(String id) {
        int dash = id.lastIndexOf('-');
        return dash > 0 && index(id) >= 0 ? id.substring(0, dash) : null;
    }

    /** The logical client's index within its container, or -1 when the id has none. */
    public static int index(String id) {
        int dash = id.lastIndexOf('-');
        if (dash < 0 || dash == id.length() - 1) {
            return -1;
        }
        try {
            return Integer.parseInt(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code id} is usable inside Redis keys and in {@code client:seq} ids. */
    public static boolean isValid(String id) {
        return id.length() <= 80 && id.matches("[A-Za-z0-9._-]+");
    }

    /** The start time encoded in an id made by {@link #of}, or -1 when it has none. */
    public static long startMillis(String id) {
        String[] parts = id.split("-");
        if (parts.length < 3) {
            return -1;
        }
        try {
            return Long.parseLong(parts[parts.length - 2].toLowerCase(Locale.ROOT), 36);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
