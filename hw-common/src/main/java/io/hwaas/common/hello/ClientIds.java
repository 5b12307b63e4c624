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
        String safe = prefix.replaceAll("[^A-Za-z0-9.-]", "-");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        return safe + "-" + Long.toString(startMillis, 36) + "-" + index;
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
