package io.hwaas.common.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, so that a thousand clients that lost Redis together do not
 * come back in lock-step. Not thread-safe: each retry loop owns one.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;
    private int attempts;

    /**
     * @param initial the first delay
     * @param max the cap that the delay doubles up to
     */
    public Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
        this.nextMillis = initialMillis;
    }

    /** The delay before the next attempt: between half and all of the current step. */
    public long nextDelayMillis() {
        long step = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        attempts++;
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    /** Failed attempts since the last {@link #reset()}. */
    public int attempts() {
        return attempts;
    }

    /** Starts again from the initial delay, after a success. */
    public void reset() {
        nextMillis = initialMillis;
        attempts = 0;
    }
}
