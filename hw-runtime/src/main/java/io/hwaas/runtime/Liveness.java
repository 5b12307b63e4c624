package io.hwaas.runtime;

import java.time.Duration;

/**
 * Progress marks of a service's main loops, read by {@code /healthz}. A loop calls
 * {@link #beat()} each time round; the service is healthy while the last beat is recent.
 * Waiting on Redis counts as progress (loops beat while they retry), so a Redis outage shows as
 * "Redis down", not as every container turning unhealthy at once.
 */
public final class Liveness {
    private final long staleAfterNanos;
    private volatile long lastBeat = System.nanoTime();

    /** @param staleAfter how long without a beat before the service counts as stalled */
    public Liveness(Duration staleAfter) {
        this.staleAfterNanos = staleAfter.toNanos();
    }

    /** Records progress. */
    public void beat() {
        lastBeat = System.nanoTime();
    }

    /** Whether a beat happened within the stale-after window. */
    public boolean healthy() {
        return System.nanoTime() - lastBeat < staleAfterNanos;
    }
}
