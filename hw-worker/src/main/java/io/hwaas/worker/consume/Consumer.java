package io.hwaas.worker.consume;

import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisFailure;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.common.redis.Replication;
import io.hwaas.common.time.Loop;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.common.time.Waiter;
import io.hwaas.runtime.Printable;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
public final class Consumer {
    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    /** How long an unregistered consumer waits for the heartbeat to register its worker again. */
    private static final Duration UNREGISTERED_WAIT = Duration.ofMillis(100);

    /**
     * How a consumer is tuned; see {@code WorkerConfig} for the variables behind each.
     *
     * @param maxBatchBytes a claimed batch's size limit; a larger single job still comes alone
     * @param giveUpWhenStopping how long a stopping consumer keeps retrying a step before it
     *     leaves the batch in flight for a peer
     */
    public record Settings(int batchSize, int maxBatchBytes, int maxPayloadBytes, Duration blockTimeout,
            Duration auditTtl, int deadLetterMax, long deadLetterMaxBytes, Duration deadLetterMaxAge,
            Duration giveUpWhenStopping) {
    }

    /**
     * What the consumers of one worker share.
     *
     * @param worker the worker process they belong to
     * @param printer where hello lines go
     * @param watching one permit: who holds it watches the queue
     */
    public record Shared(String worker, Keys keys, RedisConnector connector, JobDecoder decoder, LinePrinter printer,
            WorkerMetrics metrics, Settings settings, ServiceClock clock, Semaphore watching) {
    }

    private final String name;
    private final RedisSession session;
    private final Claimer claimer;
    private final AuditMarks marks;
    private final LinePrinter printer;
    private final WorkerMetrics metrics;
    private final Keys keys;
    private final ServiceClock clock;
    private final Settings settings;
    private final BooleanSupplier running;
    private final Waiter waiter = new Waiter();
    private volatile long progressNanos;
    private volatile long stopRequestedNanos;

    /**
     * @param name this consumer's name, unique in the deployment; names its in-flight list
     * @param running turns false when the worker is asked to stop
     */
    public Consumer(String name, Shared shared, BooleanSupplier running) {
        this.name = name;
        this.keys = shared.keys();
        this.printer = shared.printer();
        this.metrics = shared.metrics();
        this.settings = shared.settings();
        this.clock = shared.clock();
        this.running = running;
        this.progressNanos = clock.nanoTime();
        String inflight = keys.inflight(name);
        this.claimer = new Claimer(keys, inflight, shared.worker(), shared.decoder(), settings, shared.watching(), clock);
        this.marks = new AuditMarks(keys, inflight, shared.worker(), settings,
                Replication.of(shared.connector().config()), clock);
        this.session = RedisSession.to(shared.connector(), "consumer " + name)
                .role("consumer-" + name.substring(name.lastIndexOf('.') + 1))
                .clock(clock)
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
        return clock.nanoTime() - progressNanos < window.toNanos();
    }

    /** Tells the consumer the worker is stopping: steps still failing are given up after a grace period. */
    public void stopping() {
        stopRequestedNanos = clock.nanoTime();
        claimer.stopping();
        session.wake();
        waiter.stop();
    }

    /** The consumer's loop: claim, process, again, until the worker stops; then its connection closes. */
    public Loop loop() {
        return new Loop("consumer " + name, running, waiter, this::step).finallyRun(this::close);
    }

    /** Last: hand the watch on at once (else it expires within seconds), then close the connection. */
    private void close() {
        try {
            if (claimer.watcher()) {
                session.once("giving up the watch", jedis -> {
                    claimer.giveUpWatch(jedis);
                    return null;
                });
            }
        } catch (JedisException e) {
            // Redis is away: the watch expires by itself.
        } finally {
            session.close();
        }
    }

    private Duration step() throws InterruptedException {
        if (session.connected(running) == null) {
            return Duration.ZERO;
        }
        List<Job> batch;
        try {
            batch = session.once("claiming jobs", j -> claimer.next(j, running.getAsBoolean()));
            progressed();
        } catch (JedisException e) {
            session.pause(running);
            return Duration.ZERO;
        }
        if (!batch.isEmpty()) {
            try {
                process(batch);
            } catch (RedisSession.GaveUp e) {
                // Only once stopping: the loop ends with it.
                LOG.warn("{} stopped with a batch still in flight in {} ({}); a live worker will return it to the queue",
                        name, inflightKey(), e.getMessage());
            }
            return Duration.ZERO;
        }
        // Declared dead by peers while paused or cut off: claim again once the heartbeat has re-registered.
        return claimer.unregistered() ? UNREGISTERED_WAIT : Duration.ZERO;
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
        long printedAt = Hello.micros(clock.now());
        AckScript.Acked ack = session.retry("acknowledging printed hellos", this::keepTrying,
                j -> marks.acknowledge(j, batch, verdicts));
        progressed();
        record(batch, verdicts, printedAt, ack);
    }

    private void record(List<Job> batch, List<Verdict> verdicts, long printedAt, AckScript.Acked ack) {
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
            LOG.error("The dead-letter list {} is full (HWAAS_DEADLETTER_MAX entries or HWAAS_DEADLETTER_MAX_BYTES)"
                    + " or its oldest entries passed HWAAS_DEADLETTER_MAX_AGE; dropped its {} oldest entries",
                    keys.deadLetter(), ack.dropped());
        }
        for (AckScript.Refused refused : ack.refused()) {
            metrics.deadLetterRefused();
            LOG.error("Redis refused to file a poison payload in {}, so it is gone from the queue without a copy: {}",
                    keys.deadLetter(), Printable.of(refused.toString()));
        }
    }

    /** Whether a failing step is still worth retrying: always while running, for a grace period once stopping. */
    private boolean keepTrying() {
        if (running.getAsBoolean()) {
            return true;
        }
        long since = stopRequestedNanos;
        return since == 0 || clock.nanoTime() - since < settings.giveUpWhenStopping().toNanos();
    }

    private void progressed() {
        progressNanos = clock.nanoTime();
    }

    private void waiting() {
        RedisFailure failing = session.failing();
        if (failing == RedisFailure.FULL || failing == RedisFailure.CREDENTIALS) {
            progressed();
        }
    }
}
