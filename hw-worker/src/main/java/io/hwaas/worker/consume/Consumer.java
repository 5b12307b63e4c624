package io.hwaas.worker.consume;

import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisFailure;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.common.redis.Replication;
import io.hwaas.runtime.Printable;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One consumer thread. Its steps, in this order, are what make delivery at-least-once with
 * deduplication:
 *
 * <ol>
 *   <li><b>Claim</b> ({@link Claimer}): jobs move atomically from the queue to this consumer's
 *       in-flight list. From here on a crash leaves them where recovery finds them.
 *   <li><b>Mark claimed</b> ({@link AuditMarks#claim}): printed already, skip; claimed already
 *       (an interrupted earlier run), print and flag a possible duplicate.
 *   <li><b>Print</b> the batch in one write, and flush ({@link LinePrinter}).
 *   <li><b>Acknowledge</b> ({@link AuditMarks#acknowledge}): mark printed, file poison, delete
 *       the in-flight list. A crash between print and acknowledgement is the one window in
 *       which a hello can print twice, and the audit counts it.
 * </ol>
 *
 * A Redis failure never loses the batch: each step is retried on a new connection until it
 * succeeds, or until the worker stops and Redis stays away, in which case the jobs stay in
 * flight for a live worker to recover.
 */
public final class Consumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);

    /**
     * How a consumer is tuned; see {@code WorkerConfig} for the variables behind each.
     *
     * @param maxBatchBytes a claimed batch's size limit; a larger single job still comes alone
     * @param giveUpWhenStopping how long a stopping consumer keeps retrying a step before it
     *     leaves the batch in flight for a peer
     */
    public record Settings(int batchSize, int maxBatchBytes, int maxPayloadBytes, Duration blockTimeout,
            Duration auditTtl, int deadLetterMax, long deadLetterMaxBytes, Duration giveUpWhenStopping) {
    }

    private final String name;
    private final RedisSession session;
    private final Claimer claimer;
    private final AuditMarks marks;
    private final LinePrinter printer;
    private final WorkerMetrics metrics;
    private final Keys keys;
    private final Clock clock;
    private final Settings settings;
    private final BooleanSupplier running;
    private volatile long progressNanos = System.nanoTime();
    private volatile long stopRequestedNanos;

    /**
     * @param name this consumer's name, unique in the deployment; names its in-flight list
     * @param worker the worker process it belongs to
     * @param running turns false when the worker is asked to stop
     * @param watching one permit, shared by a worker's consumers: who holds it watches the queue
     */
    public Consumer(String name, String worker, Keys keys, RedisConnector connector, JobDecoder decoder,
            LinePrinter printer, WorkerMetrics metrics, Settings settings, Clock clock, BooleanSupplier running,
            Semaphore watching) {
        this.name = name;
        this.keys = keys;
        this.printer = printer;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.running = running;
        String inflight = keys.inflight(name);
        this.claimer = new Claimer(keys, inflight, worker, decoder, settings, watching);
        this.marks = new AuditMarks(keys, inflight, worker, settings, Replication.of(connector.config()));
        this.session = RedisSession.to(connector, "consumer " + name)
                .role("consumer-" + name.substring(name.lastIndexOf('.') + 1))
                .blocking(settings.blockTimeout())
                .whileWaiting(this::waiting)
                .onConnect(jedis -> {
                    claimer.connected(jedis);
                    return null;
                })
                .onFailure(kind -> metrics.redisFailure())
                .build();
    }

    /** This consumer's in-flight list. */
    public String inflightKey() {
        return marks.inflight();
    }

    /** The Redis client id of its connection, for CLIENT UNBLOCK; -1 if none. */
    public long redisClientId() {
        return session.clientId();
    }

    /**
     * Whether it made progress within {@code window}: claimed, printed, acknowledged, or waited for
     * a Redis that is full or refuses the credentials (nothing this consumer can fix, and the rest
     * of the worker sees it too). Waiting for an unreachable Redis is judged by the worker, which
     * asks whether its heartbeat reaches Redis: a consumer whose step keeps failing while the
     * heartbeat's does not (Redis drops the connection on this very request) is stuck, and turns
     * {@code /healthz} red.
     */
    public boolean progressedWithin(Duration window) {
        return System.nanoTime() - progressNanos < window.toNanos();
    }

    /** Tells the consumer the worker is stopping: steps still failing are given up after a grace period. */
    public void stopping() {
        stopRequestedNanos = System.nanoTime();
        claimer.stopping();
        session.wake();
    }

    @Override
    public void run() {
        try {
            while (running.getAsBoolean()) {
                Jedis jedis = session.connected(running);
                if (jedis == null) {
                    break;
                }
                List<Job> batch;
                try {
                    batch = session.once("claiming jobs", j -> claimer.next(j, running.getAsBoolean()));
                    progressed();
                } catch (JedisException e) {
                    session.pause(running);
                    continue;
                }
                if (!batch.isEmpty()) {
                    process(batch);
                } else if (claimer.unregistered()) {
                    // Declared dead by peers while paused or cut off: claim again once the heartbeat has re-registered.
                    Thread.sleep(100);
                }
            }
        } catch (RedisSession.GaveUp e) {
            LOG.warn("{} stopped with a batch still in flight in {} ({}); a live worker will return it to the queue", name,
                    inflightKey(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.close();
        }
    }

    private void process(List<Job> batch) throws InterruptedException, RedisSession.GaveUp {
        boolean anyMeta = batch.stream().anyMatch(job -> job.meta() != null);
        List<Verdict> verdicts = anyMeta
                ? session.retry("marking hellos claimed", this::keepTrying, j -> marks.claim(j, batch))
                : marks.claim(null, batch);
        List<String> lines = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (verdicts.get(i).prints() && batch.get(i).decoded() instanceof Decoded.Runnable runnable) {
                lines.add(runnable.job().line());
            }
        }
        try {
            printer.print(lines);
        } catch (IOException e) {
            metrics.outputFailure();
            throw new UncheckedIOException("cannot write to stdout; the batch stays in flight", e);
        }
        long printedAt = Hello.micros(clock.instant());
        AuditMarks.Ack ack = session.retry("acknowledging printed hellos", this::keepTrying,
                j -> marks.acknowledge(j, batch, verdicts));
        progressed();
        record(batch, verdicts, printedAt, ack);
    }

    private void record(List<Job> batch, List<Verdict> verdicts, long printedAt, AuditMarks.Ack ack) {
        int printed = 0;
        for (int i = 0; i < batch.size(); i++) {
            Job job = batch.get(i);
            switch (verdicts.get(i)) {
                case POISON -> {
                    Decoded.Poison poison = (Decoded.Poison) job.decoded();
                    metrics.deadLettered(poison.reason());
                    LOG.warn("Dead-lettered a payload of {} bytes from {}: {} ({})", job.payload().length(), keys.queue(),
                            poison.reason().label(), Printable.of(poison.detail()));
                }
                case SKIP -> metrics.suppressed();
                case REPRINT, PRINT -> {
                    printed++;
                    if (verdicts.get(i) == Verdict.REPRINT) {
                        metrics.reprinted();
                    }
                    if (job.meta() != null) {
                        metrics.latency((printedAt - job.meta().enqueuedAtMicros()) / 1e6);
                    }
                }
            }
        }
        metrics.printed(printed);
        if (ack.dropped() > 0) {
            metrics.deadLettersDropped(ack.dropped());
            LOG.error("The dead-letter list {} is full (HWAAS_DEADLETTER_MAX entries or HWAAS_DEADLETTER_MAX_BYTES);"
                    + " dropped its {} oldest entries", keys.deadLetter(), ack.dropped());
        }
        for (String refused : ack.refused()) {
            metrics.deadLetterRefused();
            LOG.error("Redis refused to file a poison payload in {}, so it is gone from the queue without a copy: {}",
                    keys.deadLetter(), Printable.of(refused));
        }
    }

    /** Whether a failing step is still worth retrying: always while running, for a grace period once stopping. */
    private boolean keepTrying() {
        if (running.getAsBoolean()) {
            return true;
        }
        long since = stopRequestedNanos;
        return since == 0 || System.nanoTime() - since < settings.giveUpWhenStopping().toNanos();
    }

    private void progressed() {
        progressNanos = System.nanoTime();
    }

    private void waiting() {
        RedisFailure failing = session.failing();
        if (failing == RedisFailure.FULL || failing == RedisFailure.CREDENTIALS) {
            progressed();
        }
    }
}
