package io.hwaas.worker.metrics;

import static io.hwaas.runtime.Metrics.counter;

import io.hwaas.common.hello.WorkerSample;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.worker.job.PoisonReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

/**
 * What a worker counts, exported at {@code /metrics} and summarised in its heartbeat. No exemplars
 * (see {@link io.hwaas.runtime.Metrics}).
 */
public final class WorkerMetrics {
    /**
     * Upper bounds of the latency buckets, in seconds. Fine below 50 ms, around the product's latency
     * goal (p99 within 10 ms; docs/performance.md has what a host measures), coarse above.
     */
    public static final double[] LATENCY_BOUNDS = {
        0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01,
        0.0125, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
    };

    private final Counter printed;
    private final Counter suppressed;
    private final Counter reprinted;
    private final Counter deadLettered;
    private final Counter failures;
    private final Counter recovered;
    private final Counter deadLettersDropped;
    private final Counter deadLetterRefused;
    private final Histogram latency;

    /** Registers the worker's metrics on {@code registry}. */
    public WorkerMetrics(PrometheusRegistry registry) {
        printed = counter(registry, "hwaas_worker_printed_total", "Hellos printed (lines written to stdout).");
        suppressed = counter(registry, "hwaas_worker_duplicates_suppressed_total",
                "Re-runs of hellos already printed, skipped by deduplication.");
        reprinted = counter(registry, "hwaas_worker_reprinted_total",
                "Hellos printed again after an interrupted run had claimed them: possible duplicates.");
        deadLettered = counter(registry, "hwaas_worker_deadlettered_total",
                "Payloads moved to the dead-letter list, by reason.", "reason");
        failures = counter(registry, "hwaas_worker_failures_total",
                "Failed Redis operations (retried) and output errors, by kind.", "kind");
        recovered = counter(registry, "hwaas_worker_recovered_total",
                "Jobs this worker returned to the queue from the in-flight lists of dead workers.");
        deadLettersDropped = counter(registry, "hwaas_worker_deadletters_dropped_total",
                "Oldest dead-letter entries dropped to keep the list within HWAAS_DEADLETTER_MAX, _MAX_BYTES and _MAX_AGE.");
        deadLetterRefused = counter(registry, "hwaas_worker_deadletter_refused_total",
                "Poison payloads moved out of the way although Redis refused their dead-letter entry.");
        latency = Histogram.builder().withoutExemplars().name("hwaas_print_latency_seconds")
                .help("Time from a client's enqueue to the worker's print.")
                .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        for (PoisonReason reason : PoisonReason.values()) {
            deadLettered.labelValues(reason.label());
        }
        failures.labelValues("redis");
        failures.labelValues("output");
    }

    public void printed(int n) {
        printed.inc(n);
    }

    public void suppressed() {
        suppressed.inc();
    }

    public void reprinted() {
        reprinted.inc();
    }

    public void deadLettered(PoisonReason reason) {
        deadLettered.labelValues(reason.label()).inc();
    }

    public void redisFailure() {
        failures.labelValues("redis").inc();
    }

    public void outputFailure() {
        failures.labelValues("output").inc();
    }

    public void recovered(long jobs) {
        recovered.inc(jobs);
    }

    public void deadLetterRefused() {
        deadLetterRefused.inc();
    }

    public void deadLettersDropped(long entries) {
        deadLettersDropped.inc(entries);
    }

    /** Records one enqueue-to-print latency. */
    public void latency(double seconds) {
        latency.observe(Math.max(0, seconds));
    }

    /** Dead-letter entries dropped by the caps so far. */
    public long deadLettersDroppedTotal() {
        return (long) deadLettersDropped.get();
    }

    /** Poison payloads whose dead-letter entry Redis refused, so far. */
    public long deadLetterRefusedTotal() {
        return (long) deadLetterRefused.get();
    }

    /** Jobs this worker returned to the queue from dead workers' lists so far. */
    public long recoveredTotal() {
        return (long) recovered.get();
    }

    /** Hellos printed so far. */
    public long printedTotal() {
        return (long) printed.get();
    }

    /** Cumulative count per latency bucket, in the order of {@link #LATENCY_BOUNDS} then +Inf. */
    public long[] latencyBuckets() {
        HistogramSnapshot.HistogramDataPointSnapshot point = latency.collect().getDataPoints().get(0);
        var buckets = point.getClassicBuckets();
        long[] cumulative = new long[buckets.size()];
        long sum = 0;
        for (int i = 0; i < buckets.size(); i++) {
            sum += buckets.getCount(i);
            cumulative[i] = sum;
        }
        return cumulative;
    }

    /**
     * The counters a worker publishes with each heartbeat for {@code status} and the latency
     * benchmark, sampled now and stamped by {@code clock}. Called from the heartbeat thread only.
     */
    public WorkerSample sample(int threads, ServiceClock clock) {
        long printedNow = printedTotal();
        long[] buckets = latencyBuckets();
        return new WorkerSample(printedNow, threads, clock.millis(), LATENCY_BOUNDS, buckets);
    }
}
