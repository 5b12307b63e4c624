package io.hwaas.common.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The one clock a service decides time by, injected so that tests can drive it: wall time for
 * stamps and slots, monotonic time for intervals, deadlines and staleness. Which workers are
 * alive is never decided on it but on Redis' {@code TIME}.
 */
public interface ServiceClock {
    /** Wall time. */
    Instant now();

    /** Wall time in epoch milliseconds. */
    default long millis() {
        return now().toEpochMilli();
    }

    /** Monotonic time in nanoseconds, for differences only. */
    long nanoTime();

    /** This process's clocks, the wall clock shifted by {@code offset} ({@code HWAAS_CLOCK_OFFSET}). */
    static ServiceClock system(Duration offset) {
        return new ServiceClock() {
            @Override
            public Instant now() {
                return Instant.now().plus(offset);
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }

    /** This process's clocks, unshifted. */
    static ServiceClock system() {
        return system(Duration.ZERO);
    }
}
