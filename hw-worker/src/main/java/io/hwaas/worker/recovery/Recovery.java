package io.hwaas.worker.recovery;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.runtime.Printable;
import io.hwaas.worker.metrics.WorkerMetrics;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;
import redis.clients.jedis.params.SetParams;

/**
 * Getting dead workers' jobs printed, on Redis' clock and in atomic scripts, so that no
 * interleaving of sweeps, deaths and restarts can strand a job:
 *
 * <ul>
 *   <li>{@link #sweepDead}: workers whose heartbeat is older than dead-after have their registered
 *       in-flight lists returned to the head of the queue (sweep.lua). Every worker declared dead
 *       is logged.
 *   <li>{@link #requeueUnowned}: every few seconds one worker (a Redis lock elects it) scans for
 *       in-flight lists whose owner is not alive, registered or not, and returns them
 *       (requeue.lua). This catches a job that a blocked move handed to a worker after peers had
 *       declared it dead and before it could register again.
 *   <li>{@link #retire}: a stopping worker hands back what it could not finish.
 * </ul>
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final Duration SCAN_EVERY = Duration.ofSeconds(10);

    private final String worker;
    private final Keys keys;
    private final Duration deadAfter;
    private final WorkerMetrics metrics;
    private final SweepScript sweep;
    private final RequeueScript requeue;
    private final ServiceClock clock;
    private long lastScanNanos;

    Recovery(String worker, Keys keys, Duration deadAfter, WorkerMetrics metrics, ServiceClock clock) {
        this.clock = clock;
        this.lastScanNanos = clock.nanoTime();
        this.worker = worker;
        this.keys = keys;
        this.deadAfter = deadAfter;
        this.metrics = metrics;
        this.sweep = new SweepScript(keys, deadAfter);
        this.requeue = new RequeueScript(keys, deadAfter);
    }

    /** Returns the jobs of every worker past dead-after to the queue; logs each one declared dead. */
    void sweepDead(Jedis jedis) {
        SweepScript.Swept swept = sweep.dead(jedis);
        if (!swept.removed().isEmpty()) {
            metrics.recovered(swept.jobs());
            for (String dead : swept.removed()) {
                LOG.warn("Declared worker {} dead: no heartbeat for over {} ms on Redis' clock", Printable.of(dead),
                        deadAfter.toMillis());
            }
            LOG.info("Recovered {} in-flight job(s) of {} dead worker(s) to the head of {}", swept.jobs(),
                    swept.removed().size(), keys.queue());
        }
    }

    /** Every {@link #SCAN_EVERY}, if elected, returns in-flight lists whose owner is not alive. */
    void requeueUnowned(Jedis jedis) {
        if (clock.nanoTime() - lastScanNanos < SCAN_EVERY.toNanos()) {
            return;
        }
        lastScanNanos = clock.nanoTime();
        // One scanner at a time across all workers: the others skip this round.
        String lock = keys.workers() + ":scan";
        if (!"OK".equals(jedis.set(lock, worker, SetParams.setParams().nx().px(SCAN_EVERY.toMillis() - 100)))) {
            return;
        }
        ScanParams params = new ScanParams().match(keys.inflightPattern()).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            for (String list : page.getResult()) {
                String consumer = keys.consumerOf(list);
                String owner = consumer == null ? null : Keys.workerOf(consumer);
                // Lists of other naming (a plain Jesque worker's) are not ours to judge.
                if (owner != null && !owner.equals(worker)) {
                    long moved = requeue.run(jedis, list, owner);
                    if (moved > 0) {
                        metrics.recovered(moved);
                        LOG.warn("Returned {} job(s) from {}, whose worker {} is not alive, to the head of {}", moved,
                                Printable.of(list), Printable.of(owner), keys.queue());
                    }
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    /** Hands back this worker's own leftovers and removes its registration. */
    void retire(Jedis jedis) {
        long jobs = sweep.retire(jedis, worker).jobs();
        if (jobs > 0) {
            LOG.warn("Returned {} job(s) this worker could not finish to the head of {}", jobs, keys.queue());
        }
    }
}
