package io.hwaas.client.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TickerTest {
    private static final long NOW = 1_780_000_000_050L;

    @Test
    void anIntervalIsCutIntoWholeSlotsAndAShortOneIsASingleSlot() {
        assertThat(Ticker.slots(Duration.ofSeconds(1))).as("1 s").isEqualTo(10);
        assertThat(Ticker.slots(Duration.ofMillis(250))).as("250 ms").isEqualTo(2);
        assertThat(Ticker.slots(Duration.ofMillis(50))).as("50 ms").isEqualTo(1);
        assertThat(Ticker.slots(Duration.ofMillis(1))).as("1 ms").isEqualTo(1);
    }

    @Test
    void slotsAreAlignedToTheWallClockSoThatEveryContainerAgreesOnThem() {
        assertThat(Ticker.firstDue(NOW, 1000, 3, 10)).as("slot 3, later this second").isEqualTo(1_780_000_000_300L);
        assertThat(Ticker.firstDue(NOW, 1000, 0, 10)).as("slot 0, already past: the next second")
                .isEqualTo(1_780_000_001_000L);
        assertThat(Ticker.firstDue(NOW - 50, 1000, 0, 10)).as("exactly on slot 0: the next one, never now")
                .isEqualTo(1_780_000_001_000L);
        assertThat(Ticker.firstDue(NOW, 250, 1, 2)).as("250 ms in two slots").isEqualTo(1_780_000_000_125L);
    }

    @Test
    void aContainerStartsWithTheNextSlotSoItsFirstHelloIsNeverMoreThanASlotAway() {
        assertThat(Ticker.nextSlot(NOW, 1000, 10)).as("at 50 ms past the second").isEqualTo(1);
        assertThat(Ticker.nextSlot(NOW + 900, 1000, 10)).as("at 950 ms: wraps to slot 0").isZero();
        long first = Ticker.firstDue(NOW, 1000, Ticker.nextSlot(NOW, 1000, 10), 10);
        assertThat(first - NOW).as("wait for the first tick, ms").isPositive().isLessThanOrEqualTo(100);
    }
}
