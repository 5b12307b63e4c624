package io.hwaas.worker.consume;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import io.hwaas.common.redis.RepeatFilter;
import io.hwaas.common.redis.Replication;
import io.hwaas.runtime.Printable;
import io.hwaas.worker.job.Decoded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * A batch's two writes around printing, each one atomic script: marking its hellos claimed (which
 * reads whether they were printed or claimed before, the deduplication), and acknowledging it
 * (printed marks, dead letters, deleting the in-flight list). With replicas to wait for, each
 * counts only once replicated: a claimed mark lost in a failover would let a duplicate go
 * uncounted, and a lost acknowledgement would run the batch again.
 */
final class AuditMarks {
    private static final Logger LOG = LoggerFactory.getLogger(AuditMarks.class);
    static final LuaScript MARK = LuaScript.load(AuditMarks.class, "mark.lua");
    static final LuaScript ACK = LuaScript.load(AuditMarks.class, "ack.lua");

    private final Keys keys;
    private final String inflight;
    private final String worker;
    private final Consumer.Settings settings;
    private final Replication replication;
    private final List<String> ackKeys;
    private final RepeatFilter damaged = new RepeatFilter(Duration.ofMinutes(5));

    AuditMarks(Keys keys, String inflight, String worker, Consumer.Settings settings, Replication replication) {
        this.keys = keys;
        this.inflight = inflight;
        this.worker = worker;
        this.settings = settings;
        this.replication = replication;
        this.ackKeys = List.of(inflight, keys.deadLetter(), keys.counters());
    }

    /** Marks the batch's hellos claimed and returns the verdict on each job. */
    List<Verdict> claim(Jedis jedis, List<Job> jobs) {
        List<String> scriptKeys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(settings.auditTtl().toSeconds()));
        for (Job job : jobs) {
            Hello.Meta meta = job.meta();
            if (meta != null) {
                scriptKeys.add(keys.audit(meta.client(), AuditBits.block(meta.seq())));
                args.add(Long.toString(AuditBits.offset(meta.seq(), AuditBits.SUBMITTED)));
            }
        }
        List<Long> flags = List.of();
        if (!scriptKeys.isEmpty()) {
            Pipeline pipeline = jedis.pipelined();
            Response<Object> marked = MARK.queue(pipeline, scriptKeys, args);
            replication.sync(pipeline);
            @SuppressWarnings("unchecked")
            List<Long> read = (List<Long>) marked.get();
            flags = read;
        }
        List<Verdict> verdicts = new ArrayList<>(jobs.size());
        java.util.Set<String> inBatch = new java.util.HashSet<>();
        int next = 0;
        for (Job job : jobs) {
            if (job.decoded() instanceof Decoded.Poison) {
                verdicts.add(Verdict.POISON);
            } else if (job.meta() == null) {
                verdicts.add(Verdict.PRINT);
            } else if (!inBatch.add(job.meta().id())) {
                // A second copy of a hello in the same batch (a re-send whose first copy was only
                // late): the first one prints; this one would read the first's claim as an
                // interrupted run.
                next++;
                verdicts.add(Verdict.SKIP);
            } else {
                long f = flags.get(next++);
                if (f < 0 && damaged.fresh(job.meta().client())) {
                    LOG.error("The audit record of {} is not a bitmap (something else wrote {}): printing it without"
                            + " deduplication", Printable.of(job.meta().id()),
                            Printable.of(keys.audit(job.meta().client(), AuditBits.block(job.meta().seq()))));
                }
                verdicts.add(Verdict.of(f));
            }
        }
        return verdicts;
    }

    /**
     * What an acknowledgement reports back.
     *
     * @param dropped dead-letter entries dropped by the caps to make room
     * @param refused dead-letter entries Redis refused, each as "reason, length, SHA-1: error"
     */
    record Ack(long dropped, List<String> refused) {
    }

    /** Marks the printed hellos printed, files the poison, and deletes the in-flight list. */
    Ack acknowledge(Jedis jedis, List<Job> jobs, List<Verdict> verdicts) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(settings.auditTtl().toSeconds()));
        args.add(Integer.toString(settings.deadLetterMax()));
        args.add(Long.toString(settings.deadLetterMaxBytes()));
        args.add(Integer.toString(DeadLetters.KEEP_WHOLE_BYTES));
        args.add(Integer.toString(DeadLetters.PREFIX_BYTES));
        args.add(keys.queue());
        args.add(worker);
        args.add("0");
        int printed = 0;
        for (int i = 0; i < jobs.size(); i++) {
            Hello.Meta meta = jobs.get(i).meta();
            if (meta != null && verdicts.get(i).prints()) {
                args.add(keys.audit(meta.client(), AuditBits.block(meta.seq())));
                args.add(Long.toString(AuditBits.offset(meta.seq(), AuditBits.SUBMITTED)));
                args.add(verdicts.get(i) == Verdict.REPRINT ? "1" : "0");
                printed++;
            }
        }
        args.set(7, Integer.toString(printed));
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).decoded() instanceof Decoded.Poison poison) {
                args.add(Integer.toString(i));
                args.add(poison.reason().label());
                args.add(poison.detail());
            }
        }
        Pipeline pipeline = jedis.pipelined();
        Response<Object> acked = ACK.queue(pipeline, ackKeys, args);
        replication.sync(pipeline);
        @SuppressWarnings("unchecked")
        List<Object> result = (List<Object>) acked.get();
        List<String> refused = new ArrayList<>();
        for (int i = 2; i + 3 < result.size(); i += 4) {
            refused.add(result.get(i) + ", " + result.get(i + 1) + " bytes, SHA-1 " + result.get(i + 2) + ": "
                    + result.get(i + 3));
        }
        return new Ack((Long) result.get(0), refused);
    }

    /** This consumer's in-flight list. */
    String inflight() {
        return inflight;
    }
}
