package io.hwaas.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a loop counts as stalled, on a clock the test moves. */
class LivenessTest {
    private final ManualClock clock = new ManualClock();
    private final Liveness liveness = new Liveness(Duration.ofSeconds(30), clock);

    @Test
    void healthyUntilABeatIsOlderThanStaleAfter() {
        clock.advance(Duration.ofSeconds(29));
        assertThat(liveness.healthy()).as("29 s after the start").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(liveness.healthy()).as("30 s after the start, no beat").isFalse();
        liveness.beat();
        assertThat(liveness.healthy()).as("right after a beat").isTrue();
    }
}
