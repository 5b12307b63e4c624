package io.hwaas.worker.consume;

import io.hwaas.common.hello.Keys;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.job.PoisonReason;
import io.hwaas.worker.recovery.LostClaims;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.common.time.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ListDirection;

/**
 * Step one of a consumer: takes the next batch from the queue into the consumer's in-flight
 * list. With a backlog, one script moves up to a batch at once. When the queue is empty, one
 * worker of the deployment, the one holding the watch ({@link WatchScript}), blocks in
 * {@code BLMOVE}, which hands it the next job the instant it is pushed, and claims the rest of the
 * push in the same round trip; the other workers look for work once a second and take the watch
 * when it falls free. Redis hands a pushed job to each client blocked on the queue, so were every
 * worker to watch, each push would wake every worker, one hello each. After every reconnect it
 * first takes what a claim whose reply was lost left in its in-flight list ({@link LostClaims}).
 */
final class Claimer {
    /** How often a worker without the watch looks for work, and for a watch free or offered. */
    static final Duration STANDBY = Duration.ofSeconds(1);
    /** How long a worker holds the watch before it offers it on. */
    static final Duration TENURE = Duration.ofSeconds(5);
    private static final Duration WATCH_SLACK = Duration.ofSeconds(2);
    /** Turns to watch handed out once the worker stops: more than it has consumers. */
    private static final int OPEN = 1 << 20;

    private final Keys keys;
    private final String inflight;
    private final JobDecoder decoder;
    private final ClaimScript claim;
    private final double blockSeconds;
    private final int maxPayloadBytes;
    private final int batchSize;
    private final long blockMillis;
    private final Semaphore watching;
    private final ServiceClock clock;
    private final WatchScript watch;
    private final Duration standby;
    private final Waiter standbyWaiter = new Waiter();
    /** Whether this worker held the watch when this consumer last looked, and since when. */
    private boolean watcher;
    private long watchingSinceNanos;
    private boolean checkOwnInflight = true;
    private boolean unregistered;
    /** Whether the queue may hold a backlog; while it is idle, skip the batch claim and just block. */
    private boolean backlog = true;

    Claimer(Keys keys, String inflight, String worker, JobDecoder decoder, Consumer.Settings settings,
            Semaphore watching, ServiceClock clock) {
        this.watching = watching;
        this.clock = clock;
        this.batchSize = settings.batchSize();
        this.blockMillis = settings.blockTimeout().toMillis();
        this.keys = keys;
        this.inflight = inflight;
        this.decoder = decoder;
        this.claim = new ClaimScript(keys, inflight, worker, settings.batchSize(), settings.maxBatchBytes(),
                settings.maxPayloadBytes());
        this.blockSeconds = settings.blockTimeout().toMillis() / 1000.0;
        this.maxPayloadBytes = settings.maxPayloadBytes();
        // The lease outlives a block and the batch after it; the others look again within a second.
        this.watch = new WatchScript(keys, worker, settings.blockTimeout().plus(WATCH_SLACK));
        this.standby = settings.blockTimeout().compareTo(STANDBY) < 0 ? settings.blockTimeout() : STANDBY;
    }

    /** Called for every new connection: a claim's lost reply may have left jobs in the in-flight list. */
    void connected(Jedis jedis) {
        checkOwnInflight = true;
        backlog = true;
        ClaimScript.load(jedis);
        WatchScript.load(jedis);
        MarkScript.load(jedis);
        AckScript.load(jedis);
    }

    /**
     * Whether the last claim found this worker unregistered (declared dead by its peers): it
     * must wait for its heartbeat to register it again.
     */
    boolean unregistered() {
        return unregistered;
    }

    /**
     * The next batch, possibly empty (BLMOVE timed out, a sibling consumer watches the queue, or
     * the worker is unregistered).
     *
     * @param blocking whether it may block in BLMOVE when the queue is empty (not while stopping)
     */
    List<Job> next(Jedis jedis, boolean blocking) {
        if (checkOwnInflight) {
            List<String> left = LostClaims.leftIn(jedis, inflight, maxPayloadBytes);
            checkOwnInflight = false;
            if (!left.isEmpty()) {
                return decode(left);
            }
        }
        // Unregistered, it must not block either: BLMOVE would hand it a job before the claim
        // script could check the registration.
        if (backlog || !blocking || unregistered) {
            List<String> batch = claimNow(jedis);
            if (!batch.isEmpty() || !blocking || unregistered) {
                return decode(batch);
            }
        }
        return watch(jedis);
    }

    /**
     * Waits for work. One consumer of a worker at a time comes here (the others wait for their
     * turn; with a backlog nobody does). If its worker holds the deployment's watch, or takes it
     * now, it renews the watch and blocks in BLMOVE, with a claim pipelined behind, which runs the
     * moment BLMOVE returns and takes the rest of the push. Otherwise it claims what may wait and,
     * finding nothing, waits a second before it looks again.
     */
    private List<Job> watch(Jedis jedis) {
        try {
            if (!watching.tryAcquire(blockMillis, TimeUnit.MILLISECONDS)) {
                return List.of();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        try {
            if (!watcher && (watcher = watch.take(jedis))) {
                watchingSinceNanos = clock.nanoTime();
            }
            if (!watcher) {
                List<String> batch = claimNow(jedis);
                if (batch.isEmpty()) {
                    standbyWaiter.await(standby);
                }
                return decode(batch);
            }
            return decode(blockThenClaim(jedis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            watching.release();
        }
    }

    /** One claim script, not blocking: a full batch means more may wait; a short one, that the queue is drained for now. */
    private List<String> claimNow(Jedis jedis) {
        List<String> batch = claimed(claim.run(jedis));
        backlog = batch.size() >= batchSize;
        return batch;
    }

    /** The watcher's round trip: renew the watch, block for the next job, claim the rest. */
    private List<String> blockThenClaim(Jedis jedis) {
        Pipeline pipeline = jedis.pipelined();
        BooleanSupplier renewed = watch.queueRenew(pipeline, clock.nanoTime() - watchingSinceNanos >= TENURE.toNanos());
        // Were peers to sweep this worker meanwhile, the job BLMOVE hands over is still found:
        // its list is scanned for (see Recovery.requeueUnowned).
        Response<String> first = pipeline.blmove(keys.queue(), inflight, ListDirection.LEFT, ListDirection.RIGHT,
                blockSeconds);
        Supplier<ClaimScript.Claimed> rest = claim.queue(pipeline);
        jedis.getClient().setTimeoutInfinite();
        try {
            pipeline.sync();
        } finally {
            jedis.getClient().rollbackTimeout();
        }
        watcher = renewed.getAsBoolean();
        String one = first.get();
        List<String> batch = new ArrayList<>();
        if (one != null) {
            batch.add(one);
        }
        List<String> more = claimed(rest.get());
        batch.addAll(more);
        backlog = more.size() >= batchSize;
        return batch;
    }

    /** Gives the watch up when this consumer's worker holds it, so that another worker takes it at once. */
    void giveUpWatch(Jedis jedis) {
        if (watcher) {
            watch.giveUp(jedis);
            watcher = false;
        }
    }

    boolean watcher() {
        return watcher;
    }

    /** Lets a consumer waiting for its turn to watch go, so that a stopping worker does not wait for it. */
    void stopping() {
        standbyWaiter.stop();
        // The turn is the worker's, shared by all its consumers, each of which comes here: open it
        // wide once, never past the semaphore's limit.
        synchronized (watching) {
            int missing = OPEN - watching.availablePermits();
            if (missing > 0) {
                watching.release(missing);
            }
        }
    }

    private List<String> claimed(ClaimScript.Claimed reply) {
        unregistered = reply.unregistered();
        return reply.payloads();
    }

    private List<Job> decode(List<String> payloads) {
        List<Job> jobs = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            long oversized = ClaimScript.oversizedLength(payload);
            Decoded decoded = oversized >= 0
                    ? new Decoded.Poison(PoisonReason.OVERSIZED_PAYLOAD, "payload is " + oversized
                            + " bytes, longer than " + maxPayloadBytes + " (HWAAS_MAX_PAYLOAD_BYTES); not transferred")
                    : decoder.decode(payload);
            jobs.add(new Job(payload, decoded));
        }
        return jobs;
    }
}
