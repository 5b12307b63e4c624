package io.hwaas.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The one loop shape of the services' background threads. */
class LoopTest {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger steps = new AtomicInteger();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Waiter waiter = new Waiter();

    private Thread start(Loop loop) {
        Thread thread = new Thread(loop.finallyRun(() -> finished.set(true)), "loop-test");
        thread.start();
        return thread;
    }

    @Test
    void runsStepsUntilStoppedThenFinishes() throws InterruptedException {
        Thread thread = start(new Loop("test", running::get, waiter, () -> {
            steps.incrementAndGet();
            return Duration.ofMinutes(1);
        }));
        await().untilAsserted(() -> assertThat(steps.get()).as("steps before the stop").isEqualTo(1));
        running.set(false);
        waiter.stop();
        thread.join(5000);
        assertThat(thread.isAlive()).as("the loop still runs after a stop cut its one-minute wait").isFalse();
        assertThat(steps.get()).as("steps in all").isEqualTo(1);
        assertThat(finished.get()).as("finished").isTrue();
    }

    @Test
    void aWakeRunsTheNextStepEarly() {
        start(new Loop("test", running::get, waiter, () -> {
            steps.incrementAndGet();
            return Duration.ofMinutes(1);
        }).startingAfter(Duration.ofMinutes(1)));
        waiter.wake();
        await().untilAsserted(() -> assertThat(steps.get()).as("steps after a wake").isEqualTo(1));
        waiter.wake();
        await().untilAsserted(() -> assertThat(steps.get()).as("steps after a second wake").isEqualTo(2));
        running.set(false);
        waiter.stop();
    }

    @Test
    void survivesAStepsUnexpectedFailure() {
        start(new Loop("test", running::get, waiter, () -> {
            if (steps.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug");
            }
            running.set(false);
            return Duration.ZERO;
        }));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(steps.get()).as("steps, the first one failing").isEqualTo(2);
            assertThat(finished.get()).as("finished").isTrue();
        });
    }

    @Test
    void handsAFailureToItsOwnerAndEndsWhenTheOwnerTakesIt() {
        AtomicReference<Throwable> crashed = new AtomicReference<>();
        start(new Loop("test", running::get, waiter, () -> {
            steps.incrementAndGet();
            throw new IllegalStateException("stdout closed");
        }).onCrash(crashed::set));
        await().untilAsserted(() -> {
            assertThat(crashed.get()).as("the failure handed over").hasMessage("stdout closed");
            assertThat(finished.get()).as("finished").isTrue();
        });
        assertThat(steps.get()).as("steps: none after the crash").isEqualTo(1);
    }
}
