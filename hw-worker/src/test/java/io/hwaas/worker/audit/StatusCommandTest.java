package io.hwaas.worker.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatusCommandTest {
    private static final double[] BOUNDS = {0.001, 0.002, 0.004};

    @Test
    void noObservationsIsNaN() {
        assertThat(StatusCommand.quantile(BOUNDS, new long[0], 0.5)).as("no buckets").isNaN();
        assertThat(StatusCommand.quantile(BOUNDS, new long[] {0, 0, 0, 0}, 0.5)).as("all zero").isNaN();
        assertThat(StatusCommand.quantile(new double[0], new long[0], 0.99)).as("nothing at all").isNaN();
    }

    @Test
    void interpolatesFromZeroInTheFirstBucket() {
        long[] cumulative = {10, 10, 10, 10};
        assertThat(StatusCommand.quantile(BOUNDS, cumulative, 0.5)).as("p50 halfway to 1 ms")
                .isCloseTo(0.0005, within(1e-12));
        assertThat(StatusCommand.quantile(BOUNDS, cumulative, 0.99)).as("p99 near 1 ms")
                .isCloseTo(0.00099, within(1e-12));
        assertThat(StatusCommand.quantile(BOUNDS, cumulative, 1.0)).as("p100 at the bound")
                .isCloseTo(0.001, within(1e-12));
    }

    @Test
    void interpolatesWithinALaterBucket() {
        // 4 hellos up to 1 ms, 4 between 2 and 4 ms.
        long[] cumulative = {4, 4, 8, 8};
        assertThat(StatusCommand.quantile(BOUNDS, cumulative, 0.5)).as("p50 at the end of the first bucket")
                .isCloseTo(0.001, within(1e-12));
        assertThat(StatusCommand.quantile(BOUNDS, cumulative, 0.75)).as("p75 halfway through 2..4 ms")
                .isCloseTo(0.003, within(1e-12));
        assertThat(StatusCommand.quantile(BOUNDS, cumulative, 0.625)).as("p62.5 a quarter into 2..4 ms")
                .isCloseTo(0.0025, within(1e-12));
    }

    @Test
    void observationsInTheInfBucketReturnTheLastBound() {
        long[] cumulative = {0, 0, 0, 5};
        assertThat(StatusCommand.quantile(BOUNDS, cumulative, 0.5)).as("beyond the last bound")
                .isEqualTo(0.004);
        long[] mixed = {5, 5, 5, 10};
        assertThat(StatusCommand.quantile(BOUNDS, mixed, 0.99)).as("p99 in +Inf").isEqualTo(0.004);
        assertThat(StatusCommand.quantile(BOUNDS, mixed, 0.4)).as("p40 still in the first bucket")
                .isCloseTo(0.0008, within(1e-12));
    }

    @Test
    void quantilesNeverDecrease() {
        long[] cumulative = {3, 7, 20, 21};
        double previous = 0;
        for (int i = 1; i <= 100; i++) {
            double q = StatusCommand.quantile(BOUNDS, cumulative, i / 100.0);
            assertThat(q).as("p" + i + " >= p" + (i - 1)).isGreaterThanOrEqualTo(previous);
            previous = q;
        }
    }
}
