package io.hwaas.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The stop timeouts, derived in one place. */
class StopTest {
    @Test
    void aWorkersStopFitsTheTwentySecondsItsOrchestratorsAllow() {
        Stop stop = Stop.worker();
        assertThat(stop.drain()).as("consumers' drain").isEqualTo(Duration.ofSeconds(12));
        assertThat(stop.grace()).as("retries once stopping").isEqualTo(Duration.ofSeconds(5));
        assertThat(stop.total()).as("whole stop").isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aClientsStopIsItsFlushTimeoutAndThreeSeconds() {
        Stop stop = Stop.client(Duration.ofSeconds(5));
        assertThat(stop.drain()).as("flush").isEqualTo(Duration.ofSeconds(5));
        assertThat(stop.total()).as("whole stop, the sender's join").isEqualTo(Duration.ofSeconds(8));
    }
}
