package io.hwaas.runtime;

import io.hwaas.common.time.ServiceClock;
import java.time.Duration;

/**
 * Progress marks of a service's main loops, read by {@code /healthz}. A loop calls
 * {@link #beat()} each time round; the service is healthy while the last beat is recent.
 * Waiting on Redis counts as progress (loops beat while they retry), so a Redis outage shows as
 * "Redis down", not as every container turning unhealthy at once.
 */
public final class Liveness {
    private final long staleAfterNanos;
    private final ServiceClock clock;
    private volatile long lastBeat;

    /** @param staleAfter how long without a beat before the service counts as stalled */
    public Liveness(Duration staleAfter, ServiceClock clock) {
        this.staleAfterNanos = staleAfter.toNanos();
        this.clock = clock;
        this.lastBeat = clock.nanoTime();
    }

    /** Records progress. */
    public void beat() {
        lastBeat = clock.nanoTime();
    }

    /** Whether a beat happened within the stale-after window. */
    public boolean healthy() {
        return clock.nanoTime() - lastBeat < staleAfterNanos;
    }
}
