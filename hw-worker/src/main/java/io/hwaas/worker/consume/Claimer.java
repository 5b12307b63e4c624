package io.hwaas.worker.consume;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.job.PoisonReason;
import io.hwaas.worker.recovery.LostClaims;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;

/**
 * Step one of a consumer: takes the next batch from the queue into the consumer's in-flight
 * list. With a backlog, one script moves up to a batch at once; when the queue is empty the
 * consumer blocks in {@code BLMOVE}, which hands it the next job the instant it is pushed (no
 * polling). After every reconnect it first takes what a claim whose reply was lost left in its
 * in-flight list ({@link LostClaims}).
 */
final class Claimer {
    static final LuaScript CLAIM = LuaScript.load(Claimer.class, "claim.lua");
    private static final String OVERSIZED = "\0oversized ";

    private final Keys keys;
    private final String inflight;
    private final JobDecoder decoder;
    private final List<String> claimKeys;
    private final List<String> claimArgs;
    private final double blockSeconds;
    private final int maxPayloadBytes;
    private boolean checkOwnInflight = true;
    private boolean unregistered;
    /** Whether the queue may hold a backlog; while it is idle, skip the batch claim and just block. */
    private boolean backlog = true;

    Claimer(Keys keys, String inflight, String worker, JobDecoder decoder, Consumer.Settings settings) {
        this.keys = keys;
        this.inflight = inflight;
        this.decoder = decoder;
        this.claimKeys = List.of(keys.queue(), inflight, keys.workers());
        this.claimArgs = List.of(Integer.toString(settings.batchSize()), Integer.toString(settings.maxBatchBytes()),
                worker, Integer.toString(settings.maxPayloadBytes()));
        this.blockSeconds = settings.blockTimeout().toMillis() / 1000.0;
        this.maxPayloadBytes = settings.maxPayloadBytes();
    }

    /** Called for every new connection: a claim's lost reply may have left jobs in the in-flight list. */
    void connected(Jedis jedis) {
        checkOwnInflight = true;
        backlog = true;
        CLAIM.load(jedis);
        AuditMarks.MARK.load(jedis);
        AuditMarks.ACK.load(jedis);
    }

    /**
     * Whether the last claim found this worker unregistered (declared dead by its peers): it
     * must wait for its heartbeat to register it again.
     */
    boolean unregistered() {
        return unregistered;
    }

    /**
     * The next batch, possibly empty (BLMOVE timed out, or the worker is unregistered).
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
        if (backlog || !blocking) {
            Object claimed = CLAIM.run(jedis, claimKeys, claimArgs);
            unregistered = "UNREGISTERED".equals(claimed);
            if (unregistered) {
                return List.of();
            }
            @SuppressWarnings("unchecked")
            List<String> batch = (List<String>) claimed;
            if (!batch.isEmpty() || !blocking) {
                return decode(batch);
            }
        }
        // An idle consumer blocks straight away; were peers to sweep its worker meanwhile, the job
        // BLMOVE hands it is still found: its list is scanned for (see Recovery.requeueUnowned).
        String one = jedis.blmove(keys.queue(), inflight, ListDirection.LEFT, ListDirection.RIGHT, blockSeconds);
        // A job handed over by BLMOVE may be the first of a burst: look for more next time round.
        backlog = one != null;
        return one == null ? List.of() : decode(List.of(one));
    }

    private List<Job> decode(List<String> payloads) {
        List<Job> jobs = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            Decoded decoded = payload.startsWith(OVERSIZED)
                    ? new Decoded.Poison(PoisonReason.OVERSIZED_PAYLOAD, "payload is " + payload.substring(OVERSIZED.length())
                            + " bytes, longer than " + maxPayloadBytes + " (HWAAS_MAX_PAYLOAD_BYTES); not transferred")
                    : decoder.decode(payload);
            jobs.add(new Job(payload, decoded));
        }
        return jobs;
    }
}
