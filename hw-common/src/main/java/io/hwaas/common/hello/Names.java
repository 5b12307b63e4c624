package io.hwaas.common.hello;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Host names and the names derived from them (client ids, worker names, Redis client names),
 * made safe in one way: letters, digits, {@code .}, {@code _} and {@code -} only, the characters
 * that can sit inside a Redis key without splitting it and that {@code CLIENT SETNAME} accepts.
 */
public final class Names {
    private Names() {
    }

    /** This host's name, usually a container's short id, safe and at most 40 characters. */
    public static String host(String fallback) {
        // Docker and Kubernetes set HOSTNAME: no resolver call, which a container may not answer quickly.
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = fallback;
            }
        }
        return keySafe(host, 40);
    }

    /** {@code name} with every other character replaced by {@code -}, cut to {@code max} characters. */
    public static String keySafe(String name, int max) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return safe.length() > max ? safe.substring(0, max) : safe;
    }

    /** A name unique to this start of a process: {@code host-<start time in base 36>}. */
    public static String startedName(String host, long startMillis) {
        return host + "-" + Long.toString(startMillis, 36);
    }
}
