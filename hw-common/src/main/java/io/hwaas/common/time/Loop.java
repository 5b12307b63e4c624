package io.hwaas.common.time;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shape of a service's background thread: while it should run, wait (through its
 * {@link Waiter}, so a wake or a stop cuts the wait short), then run one step, which says how
 * long to wait before the next. A step's unexpected failure is logged and the loop goes on after
 * {@link #AFTER_FAILURE}, unless the owner takes it ({@link #onCrash}): then the loop ends and the
 * owner decides (a worker stops). Immutable: {@link #startingAfter}, {@link #onCrash} and
 * {@link #finallyRun} return a changed copy.
 *
 * @param name names the loop in log lines
 * @param running turns false when the loop should end; checked before each step
 * @param firstWait how long to wait before the first step
 * @param crash takes a step's unexpected failure and ends the loop; {@code null}: log it and go on
 * @param last runs once the loop has ended, however it ended
 */
public record Loop(String name, BooleanSupplier running, Waiter waiter, Step step, Duration firstWait,
        Consumer<Throwable> crash, Runnable last) implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Loop.class);
    /** How long a loop that survived a failure waits before its next step. */
    public static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    /** One step of the loop. */
    public interface Step {
        /** Does one round of work; returns how long to wait before the next ({@code ZERO}: at once). */
        Duration run() throws InterruptedException;
    }

    /** A loop that starts at once, logs a failing step and goes on, and runs nothing at its end. */
    public Loop(String name, BooleanSupplier running, Waiter waiter, Step step) {
        this(name, running, waiter, step, Duration.ZERO, null, () -> { });
    }

    /** The same loop, waiting {@code wait} before its first step. */
    public Loop startingAfter(Duration wait) {
        return new Loop(name, running, waiter, step, wait, crash, last);
    }

    /** The same loop, handing a step's unexpected failure to {@code handler} and ending, instead of going on. */
    public Loop onCrash(Consumer<Throwable> handler) {
        return new Loop(name, running, waiter, step, firstWait, handler, last);
    }

    /** The same loop, running {@code finish} once it has ended, however it ended. */
    public Loop finallyRun(Runnable finish) {
        return new Loop(name, running, waiter, step, firstWait, crash, finish);
    }

    @Override
    public void run() {
        try {
            Duration wait = firstWait;
            while (running.getAsBoolean()) {
                if (!wait.isZero() && !wait.isNegative()) {
                    waiter.await(wait);
                    if (!running.getAsBoolean()) {
                        return;
                    }
                }
                try {
                    wait = step.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException | Error e) {
                    if (crash != null) {
                        crash.accept(e);
                        return;
                    }
                    if (e instanceof Error error) {
                        throw error;
                    }
                    LOG.error("{} failed unexpectedly; going on in {} ms", name, AFTER_FAILURE.toMillis(), e);
                    // Not cut short by a wake or a stop: a step that fails at once every time must not spin.
                    new Waiter().await(AFTER_FAILURE);
                    wait = Duration.ZERO;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            last.run();
        }
    }
}
