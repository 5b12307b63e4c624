package io.hwaas.ops.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FiguresTest {
    private static final double[] BOUNDS = {0.001, 0.002, 0.004};

    @Test
    void noObservationsIsNaN() {
        assertThat(Figures.quantile(BOUNDS, new long[0], 0.5)).as("no buckets").isNaN();
        assertThat(Figures.quantile(BOUNDS, new long[] {0, 0, 0, 0}, 0.5)).as("all zero").isNaN();
        assertThat(Figures.quantile(new double[0], new long[0], 0.99)).as("nothing at all").isNaN();
    }

    @Test
    void interpolatesFromZeroInTheFirstBucket() {
        long[] cumulative = {10, 10, 10, 10};
        assertThat(Figures.quantile(BOUNDS, cumulative, 0.5)).as("p50 halfway to 1 ms")
                .isCloseTo(0.0005, within(1e-12));
        assertThat(Figures.quantile(BOUNDS, cumulative, 0.99)).as("p99 near 1 ms")
                .isCloseTo(0.00099, within(1e-12));
        assertThat(Figures.quantile(BOUNDS, cumulative, 1.0)).as("p100 at the bound")
                .isCloseTo(0.001, within(1e-12));
    }

    @Test
    void interpolatesWithinALaterBucket() {
        // 4 hellos up to 1 ms, 4 between 2 and 4 ms.
        long[] cumulative = {4, 4, 8, 8};
        assertThat(Figures.quantile(BOUNDS, cumulative, 0.5)).as("p50 at the end of the first bucket")
                .isCloseTo(0.001, within(1e-12));
        assertThat(Figures.quantile(BOUNDS, cumulative, 0.75)).as("p75 halfway through 2..4 ms")
                .isCloseTo(0.003, within(1e-12));
        assertThat(Figures.quantile(BOUNDS, cumulative, 0.625)).as("p62.5 a quarter into 2..4 ms")
                .isCloseTo(0.0025, within(1e-12));
    }

    @Test
    void observationsInTheInfBucketReturnTheLastBound() {
        long[] cumulative = {0, 0, 0, 5};
        assertThat(Figures.quantile(BOUNDS, cumulative, 0.5)).as("beyond the last bound")
                .isEqualTo(0.004);
        long[] mixed = {5, 5, 5, 10};
        assertThat(Figures.quantile(BOUNDS, mixed, 0.99)).as("p99 in +Inf").isEqualTo(0.004);
        assertThat(Figures.quantile(BOUNDS, mixed, 0.4)).as("p40 still in the first bucket")
                .isCloseTo(0.0008, within(1e-12));
    }

    @Test
    void quantilesNeverDecrease() {
        long[] cumulative = {3, 7, 20, 21};
        double previous = 0;
        for (int i = 1; i <= 100; i++) {
            double q = Figures.quantile(BOUNDS, cumulative, i / 100.0);
            assertThat(q).as("p" + i + " >= p" + (i - 1)).isGreaterThanOrEqualTo(previous);
            previous = q;
        }
    }

    private static Figures figures(Map<String, Figures.Sample> workers) {
        return new Figures(workers, BOUNDS);
    }

    @Test
    void theRateIsEachWorkersCountOverItsOwnSamplingTimesSummed() {
        // a: 300 hellos in 3 s; b, whose clock is an hour off, 100 in 2 s: 100/s + 50/s.
        Figures before = figures(Map.of("a", new Figures.Sample(10_000, 1000, 2, new long[] {0, 0, 0, 0}),
                "b", new Figures.Sample(3_600_000, 50, 2, new long[] {0, 0, 0, 0})));
        Figures after = figures(Map.of("a", new Figures.Sample(13_000, 1300, 2, new long[] {300, 300, 300, 300}),
                "b", new Figures.Sample(3_602_000, 150, 2, new long[] {0, 100, 100, 100})));
        Figures.Window w = after.since(before);
        assertThat(w.printedPerSecond()).as("hellos per second").isCloseTo(150.0, within(1e-9));
        assertThat(w.buckets()).as("the hellos printed in between, per bucket").containsExactly(300, 400, 400, 400);
        assertThat(w.quantile(0.5)).as("p50: rank 200 of 400, in the first bucket").isCloseTo(0.000667, within(1e-6));
    }

    @Test
    void theDeploymentsCountGivesTheRateWhenItMovedAndTheWorkersSamplesWhenItDidNot() {
        Map<String, Figures.Sample> a0 = Map.of("a", new Figures.Sample(10_000, 1000, 2, new long[] {0, 0, 0, 0}));
        Map<String, Figures.Sample> a1 = Map.of("a", new Figures.Sample(13_000, 1300, 2, new long[] {300, 300, 300, 300}));
        // The worker's own samples say 100/s; the count, 5000 lines in 5 s on Redis' clock: 1000/s.
        Figures.Window counted = new Figures(a1, BOUNDS, new Figures.Count(25_000, 105_000))
                .since(new Figures(a0, BOUNDS, new Figures.Count(20_000, 100_000)));
        assertThat(counted.printedPerSecond()).as("from the deployment's count").isCloseTo(1000.0, within(1e-9));
        Figures.Window older = new Figures(a1, BOUNDS, new Figures.Count(0, 105_000))
                .since(new Figures(a0, BOUNDS, new Figures.Count(0, 100_000)));
        assertThat(older.printedPerSecond()).as("a count that did not move (workers of an older release)")
                .isCloseTo(100.0, within(1e-9));
        Figures.Window unread = new Figures(a1, BOUNDS, null).since(new Figures(a0, BOUNDS, new Figures.Count(0, 1)));
        assertThat(unread.printedPerSecond()).as("a count that could not be read").isCloseTo(100.0, within(1e-9));
    }

    @Test
    void aWorkerWithNoNewSampleOrNotSeenBeforeAddsNothing() {
        Figures before = figures(Map.of("idle", new Figures.Sample(5_000, 10, 1, new long[] {10, 10, 10, 10})));
        Figures after = figures(Map.of("idle", new Figures.Sample(5_000, 10, 1, new long[] {10, 10, 10, 10}),
                "new", new Figures.Sample(9_000, 500, 1, new long[] {500, 500, 500, 500})));
        Figures.Window w = after.since(before);
        assertThat(w.printedPerSecond()).as("rate").isZero();
        assertThat(w.quantile(0.5)).as("no latency without hellos in between").isNaN();
        assertThat(after.printed()).as("printed in all, at the second read").isEqualTo(510);
        assertThat(after.threads()).as("threads in all").isEqualTo(2);
    }
}
