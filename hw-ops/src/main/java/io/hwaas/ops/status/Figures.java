package io.hwaas.ops.status;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.hello.WorkerSample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The counters each live worker publishes with its heartbeat (hellos printed, the cumulative
 * buckets of its enqueue-to-print histogram, and when it sampled them), as read at one moment.
 * Two reads give the print rate and the latency over the time between them ({@link #since}):
 * nothing keeps figures anywhere else.
 *
 * @param bounds the latency buckets' upper bounds in seconds, as the workers publish them
 * @param count the deployment's count of lines printed, which every acknowledgement adds to, or
 *     null when it could not be read
 */
public record Figures(Map<String, Sample> workers, double[] bounds, Count count) {
    public Figures(Map<String, Sample> workers, double[] bounds) {
        this(workers, bounds, null);
    }

    /**
     * The deployment's count of lines printed and Redis' time when it was read: the rate between
     * two reads is exact whichever workers printed, where each worker's own samples, taken once
     * a beat, cover the window only to within a beat (and the watch moves round the workers).
     */
    public record Count(long printed, long atMillis) {
    }

    /**
     * One worker's counters.
     *
     * @param sampledAtMillis when the worker sampled them, on its own clock (both ends of a rate
     *     come from the same worker, so clocks need not agree)
     * @param buckets cumulative, one per bound and the last for +Inf
     */
    public record Sample(long sampledAtMillis, long printed, int threads, long[] buckets) {
    }

    /**
     * What happened between two reads, summed over the workers seen in both.
     *
     * @param buckets cumulative counts of the hellos printed in between, one per bound and +Inf
     */
    public record Window(double printedPerSecond, double[] bounds, long[] buckets) {
        /** The latency below which a fraction {@code q} of these hellos fall, in seconds; NaN when none printed. */
        public double quantile(double q) {
            return Figures.quantile(bounds, buckets, q);
        }
    }

    /** Reads the figures of {@code workers}; a worker that published none, or a malformed entry, is left out. */
    public static Figures read(Jedis jedis, Keys keys, Collection<String> workers) {
        Pipeline p = jedis.pipelined();
        List<Response<String>> replies = new ArrayList<>();
        for (String worker : workers) {
            replies.add(p.get(keys.workerStats(worker)));
        }
        Response<String> printedCount = p.hget(keys.counters(), "printed");
        Response<List<String>> time = p.time();
        p.sync();
        Count count;
        try {
            String printed = printedCount.get();
            count = new Count(printed == null ? 0 : Long.parseLong(printed),
                    Long.parseLong(time.get().get(0)) * 1000 + Long.parseLong(time.get().get(1)) / 1000);
        } catch (RuntimeException e) {
            // A damaged counters hash: the workers' own samples give the rate.
            count = null;
        }
        Map<String, Sample> samples = new LinkedHashMap<>();
        double[] bounds = new double[0];
        int i = 0;
        for (String worker : workers) {
            WorkerSample sample = WorkerSample.parse(replies.get(i++).get());
            if (sample == null) {
                continue;
            }
            if (bounds.length == 0) {
                bounds = sample.latencyBounds();
            }
            samples.put(worker, new Sample(sample.sampledAtMillis(), sample.printed(), sample.threads(),
                    sample.latencyBuckets()));
        }
        return new Figures(samples, bounds, count);
    }

    /** Hellos printed in all, by the workers read. */
    public long printed() {
        return workers.values().stream().mapToLong(Sample::printed).sum();
    }

    /** Consumer threads in all. */
    public int threads() {
        return workers.values().stream().mapToInt(Sample::threads).sum();
    }

    /**
     * The rate and latency between {@code before} and this read: the rate from the deployment's
     * count when it moved, else from each worker's counters over the time between its own two
     * samples; the latency from the workers' histograms. A worker that sampled nothing new in
     * between (or not seen before) adds nothing.
     */
    public Window since(Figures before) {
        double rate = 0;
        long[] delta = new long[bounds.length + 1];
        for (Map.Entry<String, Sample> entry : workers.entrySet()) {
            Sample then = before.workers().get(entry.getKey());
            Sample now = entry.getValue();
            if (then == null || now.sampledAtMillis() <= then.sampledAtMillis()) {
                continue;
            }
            rate += (now.printed() - then.printed()) * 1000.0 / (now.sampledAtMillis() - then.sampledAtMillis());
            if (now.buckets().length == delta.length && then.buckets().length == delta.length) {
                for (int i = 0; i < delta.length; i++) {
                    delta[i] += now.buckets()[i] - then.buckets()[i];
                }
            }
        }
        // The deployment's count when it moved (workers of a release before it do not add to it).
        if (count != null && before.count() != null && count.atMillis() > before.count().atMillis()
                && count.printed() > before.count().printed()) {
            rate = (count.printed() - before.count().printed()) * 1000.0 / (count.atMillis() - before.count().atMillis());
        }
        return new Window(rate, bounds, delta);
    }

    /**
     * The value below which a fraction {@code q} of the observations fall, from cumulative bucket
     * counts, interpolated linearly within its bucket as Prometheus' {@code histogram_quantile}
     * does; the last bound for observations beyond it; NaN when there are none.
     */
    static double quantile(double[] bounds, long[] cumulative, double q) {
        if (bounds.length == 0 || cumulative.length == 0 || cumulative[cumulative.length - 1] == 0) {
            return Double.NaN;
        }
        double rank = q * cumulative[cumulative.length - 1];
        int i = 0;
        while (i < bounds.length && cumulative[i] < rank) {
            i++;
        }
        if (i == bounds.length) {
            return bounds[bounds.length - 1];
        }
        double lower = i == 0 ? 0 : bounds[i - 1];
        long below = i == 0 ? 0 : cumulative[i - 1];
        long inBucket = cumulative[i] - below;
        return inBucket == 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / inBucket;
    }
}
