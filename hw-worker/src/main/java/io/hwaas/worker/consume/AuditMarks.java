package io.hwaas.worker.consume;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RepeatFilter;
import io.hwaas.common.redis.Replication;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.runtime.Printable;
import io.hwaas.worker.job.Decoded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * A batch's two writes around printing, each one atomic script: marking its hellos claimed (which
 * reads whether they were printed or claimed before, the deduplication), and acknowledging it
 * (printed marks, dead letters, deleting the in-flight list). With replicas to wait for, each
 * counts only once replicated: a claimed mark lost in a failover would let a duplicate go
 * uncounted, and a lost acknowledgement would run the batch again.
 */
final class AuditMarks {
    private static final Logger LOG = LoggerFactory.getLogger(AuditMarks.class);

    private final Keys keys;
    private final String inflight;
    private final Consumer.Settings settings;
    private final Replication replication;
    private final AckScript ack;
    private final RepeatFilter damaged;

    AuditMarks(Keys keys, String inflight, String worker, Consumer.Settings settings, Replication replication,
            ServiceClock clock) {
        this.keys = keys;
        this.inflight = inflight;
        this.settings = settings;
        this.replication = replication;
        this.ack = new AckScript(keys, inflight, worker, settings);
        this.damaged = new RepeatFilter(Duration.ofMinutes(5), clock);
    }

    /** Marks the batch's hellos claimed and returns the verdict on each job. */
    List<Verdict> claim(Jedis jedis, List<Job> jobs) {
        List<MarkScript.Mark> marks = new ArrayList<>();
        for (Job job : jobs) {
            Hello.Meta meta = job.meta();
            if (meta != null) {
                marks.add(new MarkScript.Mark(keys.audit(meta.client(), AuditBits.block(meta.seq())),
                        AuditBits.offset(meta.seq(), AuditBits.SUBMITTED)));
            }
        }
        List<Long> flags = List.of();
        if (!marks.isEmpty()) {
            Pipeline pipeline = jedis.pipelined();
            Supplier<List<Long>> marked = MarkScript.queue(pipeline, settings.auditTtl(), marks);
            replication.sync(pipeline);
            flags = marked.get();
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

    /** Marks the printed hellos printed, files the poison, and deletes the in-flight list. */
    AckScript.Acked acknowledge(Jedis jedis, List<Job> jobs, List<Verdict> verdicts) {
        List<AckScript.Printed> printed = new ArrayList<>();
        List<AckScript.Poison> poison = new ArrayList<>();
        int lines = 0;
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            Hello.Meta meta = job.meta();
            if (verdicts.get(i).prints() && job.decoded() instanceof Decoded.Runnable) {
                lines++;
            }
            if (meta != null && verdicts.get(i).prints()) {
                printed.add(new AckScript.Printed(keys.audit(meta.client(), AuditBits.block(meta.seq())),
                        AuditBits.offset(meta.seq(), AuditBits.SUBMITTED), verdicts.get(i) == Verdict.REPRINT));
            } else if (job.decoded() instanceof Decoded.Poison p) {
                poison.add(new AckScript.Poison(i, p.reason().label(), p.detail()));
            }
        }
        Pipeline pipeline = jedis.pipelined();
        Supplier<AckScript.Acked> acked = ack.queue(pipeline, lines, printed, poison);
        replication.sync(pipeline);
        return acked.get();
    }

    /** This consumer's in-flight list. */
    String inflight() {
        return inflight;
    }
}
