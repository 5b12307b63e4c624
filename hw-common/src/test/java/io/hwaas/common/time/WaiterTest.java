package io.hwaas.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one way service threads wait: up to a duration, cut short by a wake or a stop. */
class WaiterTest {
    private final Waiter waiter = new Waiter();

    @Test
    void waitsTheWholeDurationWhenNobodyWakesIt() throws InterruptedException {
        long started = System.nanoTime();
        assertThat(waiter.await(Duration.ofMillis(50))).as("woken early").isFalse();
        assertThat(System.nanoTime() - started).as("nanoseconds waited").isGreaterThanOrEqualTo(50_000_000L);
    }

    @Test
    void aWakeWhileNobodyWaitsEndsTheNextWaitOnly() throws InterruptedException {
        waiter.wake();
        assertThat(waiter.await(Duration.ofMinutes(1))).as("the wait after a wake").isTrue();
        assertThat(waiter.await(Duration.ofMillis(10))).as("the wait after that").isFalse();
    }

    @Test
    void aStopEndsEveryLaterWait() throws InterruptedException {
        waiter.stop();
        assertThat(waiter.await(Duration.ofMinutes(1))).as("first wait after the stop").isTrue();
        assertThat(waiter.await(Duration.ofMinutes(1))).as("second wait after the stop").isTrue();
    }
}
