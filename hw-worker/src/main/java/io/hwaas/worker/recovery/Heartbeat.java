package io.hwaas.worker.recovery;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.common.time.Loop;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.common.time.Waiter;
import io.hwaas.runtime.Liveness;
import io.hwaas.worker.WorkerConfig;
import io.hwaas.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A worker's liveness and its share of recovery. Every interval, in one atomic script on Redis'
 * clock, it refreshes its heartbeat (registering its in-flight lists again if peers had swept it),
 * publishes its figures for {@code status}, and learns whether any worker has missed its
 * heartbeats for longer than dead-after. If one has, and the {@link SweepGate} trusts this
 * worker's view, {@link Recovery} returns that worker's in-flight jobs to the head of the queue.
 */
public final class Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final String worker;
    private final Keys keys;
    private final BeatScript beatScript;
    private final int consumers;
    private final Duration interval;
    private final Duration deadAfter;
    private final Liveness liveness;
    private final Supplier<String> stats;
    private final RedisSession session;
    private final SweepGate gate;
    private final Recovery recovery;
    private final ServiceClock clock;
    private final Waiter waiter = new Waiter();
    private volatile boolean redisReachable = true;
    private long nextNanos;

    /**
     * @param inflightKeys the in-flight lists of the worker's consumers
     * @param stats the figures to publish for {@code status}, as JSON
     */
    public Heartbeat(WorkerConfig config, RedisConnector connector, List<String> inflightKeys, WorkerMetrics metrics,
            Liveness liveness, Supplier<String> stats) {
        this.worker = config.name();
        this.keys = config.common().keys();
        this.interval = config.heartbeat();
        this.deadAfter = config.deadAfter();
        this.clock = config.common().clock();
        this.liveness = liveness;
        this.stats = stats;
        this.beatScript = new BeatScript(keys, worker, deadAfter, inflightKeys);
        this.consumers = inflightKeys.size();
        this.session = RedisSession.to(connector, "heartbeat of " + worker).role("heartbeat").clock(clock)
                .whileWaiting(liveness::beat).onFailure(kind -> metrics.redisFailure()).build();
        this.gate = new SweepGate(deadAfter, interval, clock);
        this.recovery = new Recovery(worker, keys, deadAfter, metrics, clock);
    }

    /**
     * Registers the worker (its first heartbeat), retrying until Redis answers. Consumers must
     * not claim before this: a job in an unregistered list could not be recovered quickly.
     *
     * @return false if {@code keepTrying} turned false first
     */
    public boolean register(BooleanSupplier keepTrying) throws InterruptedException {
        try {
            session.retry("registering", keepTrying, this::beat);
            LOG.info("Worker {} registered on {} with {} consumer(s)", worker, keys.queue(), consumers);
            return true;
        } catch (RedisSession.GaveUp e) {
            return false;
        }
    }

    /** The loop that beats every interval, at a fixed rate, until {@code running} turns false. */
    public Loop loop(BooleanSupplier running) {
        // Registering was the first beat.
        nextNanos = clock.nanoTime() + interval.toNanos();
        return new Loop("heartbeat", running, waiter, this::beatOnce).startingAfter(interval);
    }

    /** Ends the wait for the next beat: the worker is stopping. */
    public void stop() {
        waiter.stop();
    }

    private Duration beatOnce() {
        liveness.beat();
        try {
            BeatScript.Beat beat = session.once("heartbeat", this::beat);
            redisReachable = true;
            if (!beat.registeredBefore()) {
                LOG.warn("Worker {} was declared dead by its peers (paused or cut off for over {} ms on Redis' clock);"
                        + " its in-flight jobs went back to the queue. Registered again.", worker, deadAfter.toMillis());
            }
            if (gate.open()) {
                // Two steps, each on its own: an error in the sweep must not stop the scan that backs it up.
                if (beat.pastDeadAfter() > 0) {
                    recoveryStep("recovering jobs of dead workers", recovery::sweepDead);
                }
                recoveryStep("scanning for in-flight lists whose owner is not alive", recovery::requeueUnowned);
            }
        } catch (JedisException e) {
            redisReachable = false;
        }
        nextNanos += interval.toNanos();
        long wait = nextNanos - clock.nanoTime();
        if (wait <= 0) {
            // Late (a long Redis call): beat again at once, and count the interval from now.
            nextNanos = clock.nanoTime();
            return Duration.ZERO;
        }
        return Duration.ofNanos(wait);
    }

    /**
     * One recovery step. An error Redis answers (the session logs and counts it) does not stop the
     * next step; a lost connection ends the beat, as before.
     */
    private void recoveryStep(String what, Consumer<Jedis> step) {
        try {
            session.once(what, jedis -> {
                step.accept(jedis);
                return null;
            });
        } catch (JedisDataException e) {
            // Logged by the session; the next step runs all the same.
        }
    }

    /** Whether the last heartbeat reached Redis: a consumer that makes no progress while it does is stuck. */
    public boolean redisReachable() {
        return redisReachable;
    }

    /**
     * Hands back anything left in this worker's in-flight lists and removes its registration,
     * after its consumers have stopped. If Redis is unreachable the registration stays, and
     * peers recover the leftovers once the heartbeat is seen to have stopped.
     */
    public void retire() {
        try {
            session.once("deregistering", jedis -> {
                recovery.retire(jedis);
                jedis.del(keys.workerStats(worker));
                return null;
            });
            LOG.info("Worker {} deregistered", worker);
        } catch (JedisException e) {
            LOG.warn("Worker {} could not deregister; peers will recover its in-flight jobs after {} ms", worker,
                    deadAfter.toMillis());
        } finally {
            session.close();
        }
    }

    /**
     * One heartbeat, publishing the figures sampled now: readers take each worker's rate over the
     * time between two of its samples, so a sample must say when it was taken, idle or not (the
     * watch moves round the workers, so most are idle part of any window).
     */
    private BeatScript.Beat beat(Jedis jedis) {
        BeatScript.Beat beat = beatScript.run(jedis, stats.get());
        gate.succeeded();
        return beat;
    }
}
