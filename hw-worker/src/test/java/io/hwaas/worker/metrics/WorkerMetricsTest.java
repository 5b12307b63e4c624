package io.hwaas.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

    @Test
    void bucketsAreCumulativeWithAnInfBucket() {
        WorkerMetrics metrics = new WorkerMetrics(new PrometheusRegistry());
        long[] empty = metrics.latencyBuckets();
        assertThat(empty).as("one bucket per bound plus +Inf").hasSize(WorkerMetrics.LATENCY_BOUNDS.length + 1);
        assertThat(Arrays.stream(empty).sum()).as("nothing observed").isZero();

        metrics.latency(0.0001);  // first bucket
        metrics.latency(0.001);   // a bound belongs to its own bucket (le is inclusive)
        metrics.latency(0.0011);  // the 1.5 ms bucket
        metrics.latency(100);     // beyond 60 s
        metrics.latency(-0.5);    // clock skew: counted as 0, not lost

        long[] cumulative = metrics.latencyBuckets();
        int oneMs = Arrays.binarySearch(WorkerMetrics.LATENCY_BOUNDS, 0.001);
        int oneAndAHalfMs = Arrays.binarySearch(WorkerMetrics.LATENCY_BOUNDS, 0.0015);
        int sixtySeconds = WorkerMetrics.LATENCY_BOUNDS.length - 1;
        assertThat(cumulative[0]).as("<= 0.25 ms: 0.1 ms and the clamped negative").isEqualTo(2);
        assertThat(cumulative[oneMs - 1]).as("<= 0.75 ms").isEqualTo(2);
        assertThat(cumulative[oneMs]).as("<= 1 ms").isEqualTo(3);
        assertThat(cumulative[oneAndAHalfMs]).as("<= 1.5 ms").isEqualTo(4);
        assertThat(cumulative[sixtySeconds]).as("<= 60 s").isEqualTo(4);
        assertThat(cumulative[cumulative.length - 1]).as("+Inf counts everything").isEqualTo(5);
        for (int i = 1; i < cumulative.length; i++) {
            assertThat(cumulative[i]).as("bucket " + i + " is cumulative").isGreaterThanOrEqualTo(cumulative[i - 1]);
        }
    }

    @Test
    void boundsAreAscending() {
        double[] sorted = WorkerMetrics.LATENCY_BOUNDS.clone();
        Arrays.sort(sorted);
        assertThat(WorkerMetrics.LATENCY_BOUNDS).as("ascending").containsExactly(sorted);
        assertThat(Arrays.stream(WorkerMetrics.LATENCY_BOUNDS).distinct().count()).as("distinct")
                .isEqualTo(WorkerMetrics.LATENCY_BOUNDS.length);
    }

    @Test
    void printedTotalCounts() {
        WorkerMetrics metrics = new WorkerMetrics(new PrometheusRegistry());
        metrics.printed(3);
        metrics.printed(100);
        assertThat(metrics.printedTotal()).as("printed").isEqualTo(103);
    }
}
