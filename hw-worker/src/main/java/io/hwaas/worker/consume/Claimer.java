package io.hwaas.worker.consume;

import io.hwaas.common.hello.Keys;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.job.PoisonReason;
import io.hwaas.worker.recovery.LostClaims;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ListDirection;

/**
 * Step one of a consumer: takes the next batch from the queue into the consumer's in-flight
 * list. With a backlog, one script moves up to a batch at once; when the queue is empty one
 * consumer per worker blocks in {@code BLMOVE}, which hands it the next job the instant it is
 * pushed (no polling), and claims the rest of the burst in the same round trip. After every reconnect it first takes what a claim whose reply was lost left in its
 * in-flight list ({@link LostClaims}).
 */
final class Claimer {

    private final Keys keys;
    private final String inflight;
    private final JobDecoder decoder;
    private final ClaimScript claim;
    private final double blockSeconds;
    private final int maxPayloadBytes;
    private final int batchSize;
    private final long blockMillis;
    private final Semaphore watching;
    private boolean checkOwnInflight = true;
    private boolean unregistered;
    /** Whether the queue may hold a backlog; while it is idle, skip the batch claim and just block. */
    private boolean backlog = true;

    Claimer(Keys keys, String inflight, String worker, JobDecoder decoder, Consumer.Settings settings,
            Semaphore watching) {
        this.watching = watching;
        this.batchSize = settings.batchSize();
        this.blockMillis = settings.blockTimeout().toMillis();
        this.keys = keys;
        this.inflight = inflight;
        this.decoder = decoder;
        this.claim = new ClaimScript(keys, inflight, worker, settings.batchSize(), settings.maxBatchBytes(),
                settings.maxPayloadBytes());
        this.blockSeconds = settings.blockTimeout().toMillis() / 1000.0;
        this.maxPayloadBytes = settings.maxPayloadBytes();
    }

    /** Called for every new connection: a claim's lost reply may have left jobs in the in-flight list. */
    void connected(Jedis jedis) {
        checkOwnInflight = true;
        backlog = true;
        ClaimScript.load(jedis);
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
            List<String> left = LostClaims.leftIn(jedis, inflight);
            checkOwnInflight = false;
            if (!left.isEmpty()) {
                return decode(left);
            }
        }
        // Unregistered, it must not block either: BLMOVE would hand it a job before the claim
        // script could check the registration.
        if (backlog || !blocking || unregistered) {
            List<String> batch = claimed(claim.run(jedis));
            // A full batch means more may wait; a short one, that the queue is drained for now.
            backlog = batch.size() >= batchSize;
            if (!batch.isEmpty() || !blocking || unregistered) {
                return decode(batch);
            }
        }
        return watch(jedis);
    }

    /**
     * Waits for work. One consumer of a worker at a time watches the queue, blocked in BLMOVE, and
     * claims the rest of what arrived in the same round trip (a pipelined claim runs the moment
     * BLMOVE returns): a burst wakes one consumer per worker, not one per hello, and is taken in
     * a batch. The others wait here for their turn; with a backlog nobody blocks.
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
        Response<String> first;
        Supplier<ClaimScript.Claimed> rest;
        try {
            Pipeline pipeline = jedis.pipelined();
            // Were peers to sweep this worker meanwhile, the job BLMOVE hands over is still found:
            // its list is scanned for (see Recovery.requeueUnowned).
            first = pipeline.blmove(keys.queue(), inflight, ListDirection.LEFT, ListDirection.RIGHT, blockSeconds);
            rest = claim.queue(pipeline);
            jedis.getClient().setTimeoutInfinite();
            try {
                pipeline.sync();
            } finally {
                jedis.getClient().rollbackTimeout();
            }
        } finally {
            watching.release();
        }
        String one = first.get();
        List<String> batch = new ArrayList<>();
        if (one != null) {
            batch.add(one);
        }
        List<String> more = claimed(rest.get());
        batch.addAll(more);
        backlog = more.size() >= batchSize;
        return decode(batch);
    }

    /** Lets a consumer waiting for its turn to watch go, so that a stopping worker does not wait for it. */
    void stopping() {
        watching.release(Integer.MAX_VALUE / 2);
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
