package io.hwaas.worker.recovery;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.ops.Liveness;
import io.hwaas.common.redis.Backoff;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RepeatFilter;
import io.hwaas.worker.consume.LuaScript;
import io.hwaas.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A worker's liveness and its share of orphan recovery. Every interval, in one round trip, it
 * refreshes its score in the workers' sorted set, publishes its figures for {@code status}, and
 * asks whether any worker has missed its heartbeats for longer than dead-after. If one has, the
 * sweep script returns that worker's in-flight jobs to the head of the queue, atomically and
 * once however many workers sweep together.
 *
 * <p>Heartbeats that stop because Redis itself was down or paused must not make every worker
 * look dead. So a worker only sweeps after its own heartbeats have succeeded without a gap for
 * longer than dead-after plus the longest reconnect backoff: by then every live worker has had
 * time to beat again.
 */
public final class Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    private static final LuaScript SWEEP = LuaScript.load(Heartbeat.class, "sweep.lua");
    private static final Duration LONGEST_RECONNECT_BACKOFF = Duration.ofSeconds(5);

    private final String worker;
    private final Keys keys;
    private final RedisConnector connector;
    private final List<String> inflightKeys;
    private final Duration interval;
    private final Duration deadAfter;
    private final WorkerMetrics metrics;
    private final Liveness liveness;
    private final Supplier<String> stats;

    private final RepeatFilter problems = new RepeatFilter(Duration.ofMinutes(5));
    private Jedis jedis;
    private long lastOkNanos;
    private long healthySinceNanos;
    private boolean announcedDeclaredDead;

    /**
     * @param worker this worker's name
     * @param inflightKeys the in-flight lists of its consumers
     * @param stats the figures to publish for {@code status}, as JSON
     */
    public Heartbeat(String worker, Keys keys, RedisConnector connector, List<String> inflightKeys, Duration interval,
            Duration deadAfter, WorkerMetrics metrics, Liveness liveness, Supplier<String> stats) {
        this.worker = worker;
        this.keys = keys;
        this.connector = connector;
        this.inflightKeys = List.copyOf(inflightKeys);
        this.interval = interval;
        this.deadAfter = deadAfter;
        this.metrics = metrics;
        this.liveness = liveness;
        this.stats = stats;
    }

    /**
     * Registers the worker's in-flight lists and its first heartbeat, retrying until Redis
     * answers. Consumers must not claim before this: a job in an unregistered list could not be
     * recovered.
     *
     * @return false if {@code keepTrying} turned false first
     */
    public boolean register(BooleanSupplier keepTrying) throws InterruptedException {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        while (keepTrying.getAsBoolean()) {
            if (!connected(keepTrying)) {
                return false;
            }
            try {
                Transaction tx = jedis.multi();
                writeRegistration(tx);
                tx.zadd(keys.workers(), System.currentTimeMillis(), worker);
                tx.exec();
                LOG.info("Worker {} registered on {} with {} consumer(s)", worker, keys.queue(), inflightKeys.size());
                lastOkNanos = System.nanoTime();
                healthySinceNanos = lastOkNanos;
                return true;
            } catch (JedisException e) {
                dropConnection(e);
                backoff.sleep();
            }
        }
        return false;
    }

    /** Beats every interval until {@code running} turns false. */
    public void run(BooleanSupplier running) throws InterruptedException {
        long next = System.nanoTime();
        while (running.getAsBoolean()) {
            liveness.beat();
            if (connected(running)) {
                try {
                    beat();
                } catch (JedisException e) {
                    dropConnection(e);
                }
            }
            next += interval.toNanos();
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } else {
                next = System.nanoTime();
            }
        }
    }

    private void beat() {
        long now = System.currentTimeMillis();
        long cutoff = now - deadAfter.toMillis();
        Pipeline pipeline = jedis.pipelined();
        Response<Long> added = pipeline.zadd(keys.workers(), now, worker);
        pipeline.psetex(keys.workerStats(worker), deadAfter.toMillis() * 3, stats.get());
        Response<Set<String>> dead = pipeline.zrangeByScore(keys.workers(), "-inf", Long.toString(cutoff), 0, 1);
        Pipelines.sync(pipeline);

        long nanos = System.nanoTime();
        if (nanos - lastOkNanos > deadAfter.toNanos() / 2) {
            healthySinceNanos = nanos;
        }
        lastOkNanos = nanos;

        if (added.get() == 1) {
            // Someone swept us: we were paused or cut off for longer than dead-after.
            if (!announcedDeclaredDead) {
                LOG.warn("Worker {} was declared dead by its peers (paused or cut off for over {} ms); its in-flight jobs"
                        + " went back to the queue. Registering again.", worker, deadAfter.toMillis());
                announcedDeclaredDead = true;
            }
            Transaction tx = jedis.multi();
            writeRegistration(tx);
            tx.exec();
        }
        Duration settled = deadAfter.plus(LONGEST_RECONNECT_BACKOFF).plus(interval);
        if (!dead.get().isEmpty() && nanos - healthySinceNanos >= settled.toNanos()) {
            sweep(cutoff, "");
        }
    }

    private void sweep(long cutoff, String only) {
        @SuppressWarnings("unchecked")
        List<Long> result = (List<Long>) SWEEP.run(jedis, List.of(keys.workers(), keys.jesqueWorkers()),
                List.of(Long.toString(cutoff), workerInflightPrefix(), workerInflightSuffix(), only));
        long workers = result.get(0);
        long jobs = result.get(1);
        if (only.isEmpty() && workers > 0) {
            metrics.recovered(jobs);
            LOG.info("Recovered {} in-flight job(s) of {} dead worker(s) to the head of {}", jobs, workers, keys.queue());
        } else if (!only.isEmpty() && jobs > 0) {
            LOG.warn("Returned {} job(s) this worker could not finish to the head of {}", jobs, keys.queue());
        }
    }

    /**
     * Hands back anything left in this worker's in-flight lists and removes its registration,
     * after its consumers have stopped. If Redis is unreachable the registration stays, and
     * peers recover the leftovers once the heartbeat is seen to have stopped.
     */
    public void retire() {
        try {
            if (jedis == null) {
                jedis = connector.open(Duration.ZERO);
            }
            sweep(0, worker);
            jedis.del(keys.workerStats(worker));
            LOG.info("Worker {} deregistered", worker);
        } catch (JedisException e) {
            LOG.warn("Worker {} could not deregister ({}); peers will recover its in-flight jobs after {} ms",
                    worker, RedisConnector.describe(e), deadAfter.toMillis());
        } finally {
            close();
        }
    }

    /** Closes the connection. */
    public void close() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // best effort
            }
            jedis = null;
        }
    }

    private void writeRegistration(Transaction tx) {
        Map<String, String> lists = new java.util.LinkedHashMap<>();
        for (String inflight : inflightKeys) {
            lists.put(inflight, keys.queue());
        }
        tx.hset(keys.workerInflight(worker), lists);
        tx.sadd(keys.jesqueWorkers(), worker);
        tx.sadd(keys.queues(), keys.queueName());
    }

    private boolean connected(BooleanSupplier keepTrying) throws InterruptedException {
        if (jedis == null) {
            jedis = connector.connect("heartbeat of " + worker, () -> {
                liveness.beat();
                return keepTrying.getAsBoolean();
            });
        }
        return jedis != null;
    }

    private void dropConnection(JedisException e) {
        metrics.redisFailure();
        String problem = RedisConnector.describe(e);
        if (e instanceof JedisDataException && problems.fresh(problem)) {
            // Redis answered but refused (out of memory, a missing ACL permission): worth saying.
            LOG.warn("Heartbeat of {} refused by Redis: {}; retrying", worker, problem);
        } else {
            LOG.debug("Heartbeat of {} failed: {}", worker, problem);
        }
        close();
    }

    private String workerInflightPrefix() {
        String sample = keys.workerInflight("\u0000");
        return sample.substring(0, sample.indexOf('\u0000'));
    }

    private String workerInflightSuffix() {
        String sample = keys.workerInflight("\u0000");
        return sample.substring(sample.indexOf('\u0000') + 1);
    }
}
