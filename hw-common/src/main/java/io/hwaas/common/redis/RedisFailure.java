package io.hwaas.common.redis;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What kind of trouble a Redis failure is, which decides how a session waits, what it logs and
 * whether the service still counts as making progress.
 */
public enum RedisFailure {
    /**
     * Redis cannot be reached or cannot take writes for now: connection lost, still loading, a
     * replica or a Sentinel in the middle of a failover, a write not yet replicated. Waiting is
     * the cure; a service waiting for Redis is healthy.
     */
    UNAVAILABLE,
    /** Redis refused the credentials or the ACL user lacks a permission. Only an operator can fix it. */
    CREDENTIALS,
    /** Redis is at {@code maxmemory} and refuses writes ({@code noeviction}). Draining frees it. */
    FULL,
    /** Any other error reply: a bug or a broken deployment; retrying the same step will not help by itself. */
    REFUSED;

    /** Classifies a failure. */
    public static RedisFailure of(Throwable e) {
        if (e instanceof JedisConnectionException) {
            return UNAVAILABLE;
        }
        String m = String.valueOf(e.getMessage());
        if (e instanceof JedisDataException) {
            if (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.startsWith("NOPERM")
                    || m.contains("invalid password") || m.contains("invalid username-password")) {
                return CREDENTIALS;
            }
            if (m.startsWith("OOM")) {
                return FULL;
            }
            // A demoted primary (READONLY), blocked clients released by a role change (UNBLOCKED),
            // a replica or new primary not ready (LOADING, MASTERDOWN, NOREPLICAS), a script
            // running too long (BUSY), a failover in progress (TRYAGAIN), a script cache emptied by
            // a restart or failover (NOSCRIPT: the reconnect loads the scripts again).
            for (String transient_ : new String[] {"READONLY", "UNBLOCKED", "LOADING", "MASTERDOWN", "NOREPLICAS",
                "BUSY", "TRYAGAIN", "CLUSTERDOWN", "NOSCRIPT"}) {
                if (m.startsWith(transient_)) {
                    return UNAVAILABLE;
                }
            }
        }
        return REFUSED;
    }

    /** A one-line description of a Redis failure, with its cause when that adds something. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (e instanceof JedisConnectionException && cause != null && cause.getMessage() != null
                && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
