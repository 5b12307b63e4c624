package io.hwaas.common.time;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one way a service thread waits: up to a duration, ended early by {@link #wake()} (once: a
 * wake that comes while nobody waits ends the next wait) or by {@link #stop()} (for good).
 */
public final class Waiter {
    private boolean woken;
    private boolean stopped;

    /**
     * Waits for up to {@code timeout}.
     *
     * @return whether it was woken or stopped before the time was up
     */
    public synchronized boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left = timeout.toNanos();
        while (!woken && !stopped && left > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
            left = deadline - System.nanoTime();
        }
        boolean early = woken || stopped;
        woken = false;
        return early;
    }

    /** Ends the current wait, or the next one. */
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    /** Ends the current wait and every later one at once. */
    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }
}
