package io.hwaas.common.redis;

import io.hwaas.common.time.ServiceClock;
import java.time.Duration;

/**
 * Decides whether a problem is worth logging: a new one always is, the same one again only once
 * the quiet period has passed. Keeps a retry loop from filling the log with one message.
 * Not thread-safe: each loop owns one.
 */
public final class RepeatFilter {
    private final long quietNanos;
    private final ServiceClock clock;
    private String last;
    private long lastLogged;

    /** @param quiet how long the same problem stays unlogged after it was logged */
    public RepeatFilter(Duration quiet, ServiceClock clock) {
        this.quietNanos = quiet.toNanos();
        this.clock = clock;
    }

    /** Forgets the last problem, after a recovery: the same problem again is news. */
    public void forget() {
        last = null;
    }

    /** Whether {@code problem} should be logged now; records it if so. */
    public boolean fresh(String problem) {
        long now = clock.nanoTime();
        if (problem.equals(last) && now - lastLogged < quietNanos) {
            return false;
        }
        last = problem;
        lastLogged = now;
        return true;
    }
}
