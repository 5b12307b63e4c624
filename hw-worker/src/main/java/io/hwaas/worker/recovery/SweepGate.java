package io.hwaas.worker.recovery;

import io.hwaas.common.redis.RedisSession;
import io.hwaas.common.time.ServiceClock;
import java.time.Duration;

/**
 * When a worker may declare peers dead. Heartbeats that stopped because Redis itself was down,
 * frozen or failing over must not make every worker look dead, so a worker sweeps only after
 * its own heartbeats have succeeded without a gap for longer than dead-after plus the longest
 * reconnect backoff plus one interval: by then every live peer has had time to beat again.
 * Which workers are dead is decided on Redis' clock; this gate only uses this process's
 * monotonic clock, injected so that the logic is tested without waiting.
 */
public final class SweepGate {
    private final long gapNanos;
    private final long settleNanos;
    private final ServiceClock clock;
    private long lastOkNanos;
    private long healthySinceNanos;
    private boolean everOk;

    public SweepGate(Duration deadAfter, Duration interval, ServiceClock clock) {
        this.gapNanos = deadAfter.toNanos() / 2;
        this.settleNanos = deadAfter.plus(RedisSession.LONGEST_BACKOFF).plus(interval).toNanos();
        this.clock = clock;
    }

    /** Records a heartbeat that reached Redis now. */
    public void succeeded() {
        long now = clock.nanoTime();
        if (!everOk || now - lastOkNanos > gapNanos) {
            // The first beat, or the first after a gap: peers may not have beaten since, either.
            healthySinceNanos = now;
            everOk = true;
        }
        lastOkNanos = now;
    }

    /** Whether this worker's view of its peers can be trusted now. */
    public boolean open() {
        return everOk && clock.nanoTime() - healthySinceNanos >= settleNanos;
    }
}
