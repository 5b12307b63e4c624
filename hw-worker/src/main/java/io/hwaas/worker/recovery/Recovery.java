package io.hwaas.worker.recovery;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.runtime.Printable;
import io.hwaas.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>A key of the wrong type where a registration, in-flight list or queue should be (something
 * else wrote it) is quarantined: left as it is, logged once, and the recovery of the rest goes on.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final Duration SCAN_EVERY = Duration.ofSeconds(10);
    /** Quarantined keys remembered, so each is logged once; beyond this many, the rest are not logged. */
    private static final int QUARANTINE_LOGGED = 10_000;

    private final String worker;
    private final Keys keys;
    private final Duration deadAfter;
    private final WorkerMetrics metrics;
    private final SweepScript sweep;
    private final RequeueScript requeue;
    private final ServiceClock clock;
    private final Set<String> quarantined = ConcurrentHashMap.newKeySet();
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
        quarantine(swept.wrongType());
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
                    RequeueScript.Requeued requeued = requeue.run(jedis, list, owner);
                    long moved = requeued.jobs();
                    if (requeued.wrongType() != null) {
                        quarantine(List.of(requeued.wrongType()));
                    }
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
        SweepScript.Swept swept = sweep.retire(jedis, worker);
        quarantine(swept.wrongType());
        long jobs = swept.jobs();
        if (jobs > 0) {
            LOG.warn("Returned {} job(s) this worker could not finish to the head of {}", jobs, keys.queue());
        }
    }

    /** Logs each key of the wrong type once: recovery left it as it is and went on with the rest. */
    private void quarantine(List<String> wrongType) {
        for (String key : wrongType) {
            if (quarantined.size() < QUARANTINE_LOGGED && quarantined.add(key)) {
                LOG.error("Left {} as it is: a key of the wrong type (something else wrote it) where recovery expects"
                        + " a registration hash or a list of jobs; any jobs in it are not recovered until an operator"
                        + " removes or repairs it. Recovery of the others goes on.", Printable.of(key));
            }
        }
    }
}
