package io.hwaas.common.time;

import java.time.Duration;

/**
 * A service's stop timeouts, derived here and nowhere else. On SIGTERM the work in hand gets
 * {@code drain}; a step still failing then gets {@code grace} more to succeed; a helper thread
 * gets {@code join} to end. {@link #total()} bounds the whole stop, and the orchestrators' stop
 * grace periods (Compose, ECS, Kubernetes) are at least that.
 *
 * @param drain how long the work in hand may take: a worker's consumers finish their batches, a
 *     client flushes what it holds ({@code HWAAS_CLIENT_FLUSH_TIMEOUT})
 * @param grace how long a step that keeps failing is retried once stopping, before the work is
 *     left for a peer (a worker's batch stays in flight) or the stop is reported without it
 * @param join how long a helper thread (heartbeat, schedule) is waited for once told to stop
 */
public record Stop(Duration drain, Duration grace, Duration join) {
    /** A worker's: 12 s for consumers to finish, 5 s of retries, 3 s for the heartbeat; 20 s in all. */
    public static Stop worker() {
        return new Stop(Duration.ofSeconds(12), Duration.ofSeconds(5), Duration.ofSeconds(3));
    }

    /** A client's: the flush timeout, then 1 s to report the stop, 2 s for the schedule. */
    public static Stop client(Duration flushTimeout) {
        return new Stop(flushTimeout, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    /** The longest a stop takes. */
    public Duration total() {
        return drain.plus(grace).plus(join);
    }
}
