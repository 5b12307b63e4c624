package io.hwaas.worker.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a worker may declare its peers dead, on a clock the test moves. */
class SweepGateTest {
    private static final Duration DEAD_AFTER = Duration.ofSeconds(4);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    // dead-after + the longest reconnect backoff (1 s) + one interval
    private static final long SETTLE_SECONDS = 6;

    private final ManualClock clock = new ManualClock();
    private final SweepGate gate = new SweepGate(DEAD_AFTER, INTERVAL, clock);

    private void beatEverySecondFor(long seconds) {
        for (long s = 0; s < seconds; s++) {
            clock.advance(INTERVAL);
            gate.succeeded();
        }
    }

    @Test
    void closedBeforeTheFirstHeartbeat() {
        assertThat(gate.open()).as("no heartbeat yet").isFalse();
    }

    @Test
    void opensOnceHeartbeatsHaveWorkedForTheSettlingTime() {
        gate.succeeded();
        beatEverySecondFor(SETTLE_SECONDS - 1);
        assertThat(gate.open()).as("a second short of settled").isFalse();
        beatEverySecondFor(1);
        assertThat(gate.open()).as("settled").isTrue();
    }

    @Test
    void aGapInOwnHeartbeatsClosesItAgain() {
        gate.succeeded();
        beatEverySecondFor(SETTLE_SECONDS + 5);
        assertThat(gate.open()).as("settled").isTrue();
        // Redis frozen for ten seconds: every peer missed its beats too.
        clock.advance(Duration.ofSeconds(10));
        gate.succeeded();
        assertThat(gate.open()).as("right after the outage").isFalse();
        beatEverySecondFor(SETTLE_SECONDS);
        assertThat(gate.open()).as("settled again").isTrue();
    }

    @Test
    void aShortHiccupDoesNotCloseIt() {
        gate.succeeded();
        beatEverySecondFor(SETTLE_SECONDS + 1);
        // Under half of dead-after between two beats: not a gap.
        clock.advance(Duration.ofMillis(1900));
        gate.succeeded();
        assertThat(gate.open()).as("after a 1.9 s hiccup").isTrue();
    }
}
