package io.hwaas.common.testing;

import io.hwaas.common.time.ServiceClock;
import java.time.Duration;
import java.time.Instant;

/** A {@link ServiceClock} that moves only when the test moves it; wall and monotonic time move together. */
public final class ManualClock implements ServiceClock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private volatile long nanos = 1_000_000_000_000L;

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    /** Moves both clocks forward. */
    public synchronized void advance(Duration by) {
        now = now.plus(by);
        nanos += by.toNanos();
    }
}
