package io.hwaas.client.send;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.common.redis.Replication;
import io.hwaas.common.time.Loop;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.common.time.Stop;
import io.hwaas.common.time.Waiter;
import io.hwaas.runtime.Liveness;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The one thread of a client process that talks to Redis. It sends what the outboxes hold, in
 * order, one pipelined round trip per round (each hello's writes through its
 * {@link HelloWriter}, then {@code WAIT} when replicas must confirm), starting each round at the
 * next client so that none is always last. Hellos leave their outbox only after Redis has
 * confirmed them; on any failure they stay, the session backs off and reconnects, and the
 * schedule keeps ticking into the outboxes meanwhile. A send whose reply was lost is sent again;
 * the workers' deduplication makes that harmless.
 *
 * <p>Once a second it reports to the audit ({@link Reports}) and looks for ledgers of dead
 * containers to adopt ({@link Adoption}). It forces its ledger to disk once a second whether
 * Redis answers or not: during an outage the ledger is the only record of what is held.
 */
public final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final int MAX_PER_CLIENT = 100;
    private static final int MAX_PER_ROUND = 2000;
    private static final long REPORT_EVERY_NANOS = 1_000_000_000L;
    private static final long ADOPT_EVERY_NANOS = 10_000_000_000L;
    /** The longest it waits for the schedule's wake-up before looking again. */
    private static final Duration WAIT_FOR_WORK = Duration.ofSeconds(1);

    /** Who this sender sends for. */
    public record Identity(String container, String member, long intervalMillis) {
    }

    /**
     * Where hellos are kept on disk.
     *
     * @param own this container's ledger, or {@code null} when there is none
     * @param dir where other containers' ledgers are, or {@code null}
     */
    public record Ledgers(Ledger own, Path dir) {
    }

    private final List<Outbox> own;
    private final List<Outbox> outboxes;
    private final Keys keys;
    private final ClientMetrics metrics;
    private final Identity identity;
    private final Ledger ledger;
    private final Adoption adoption;
    private final Reports reports;
    private final Replication replication;
    private final RedisSession session;
    private final Liveness liveness;
    private final ServiceClock clock;
    private final Waiter waiter = new Waiter();
    private final CountDownLatch firstSend = new CountDownLatch(1);

    private volatile boolean stopping;
    private volatile long flushDeadlineNanos;
    private volatile Duration reportGrace = Duration.ZERO;
    private int start;
    private long lastReportNanos;
    private long lastAdoptNanos;
    private long lastForceNanos;

    public Sender(List<Outbox> outboxes, CommonConfig common, RedisConnector connector, ClientMetrics metrics,
            Identity identity, Liveness liveness, Ledgers ledgers) {
        Keys keys = common.keys();
        this.own = List.copyOf(outboxes);
        this.outboxes = new CopyOnWriteArrayList<>(outboxes);
        this.keys = keys;
        this.metrics = metrics;
        this.identity = identity;
        this.ledger = ledgers.own();
        this.clock = common.clock();
        this.lastAdoptNanos = clock.nanoTime() - ADOPT_EVERY_NANOS;
        this.lastForceNanos = clock.nanoTime() - REPORT_EVERY_NANOS;
        this.adoption = ledgers.dir() == null ? null
                : new Adoption(ledgers.dir(), identity.container(), keys, common.auditTtl(), clock);
        this.reports = new Reports(keys, common.auditTtl());
        this.replication = Replication.of(connector.config());
        this.liveness = liveness;
        this.session = RedisSession.to(connector, "client " + identity.container()).role("sender")
                .clock(clock)
                .whileWaiting(() -> {
                    liveness.beat();
                    forceLedgerIfDue();
                })
                .onConnect(jedis -> {
                    jedis.sadd(keys.queues(), keys.queueName());
                    // Redis may have restarted without our bitmaps' TTLs: set them again on the next send.
                    outboxes.forEach(outbox -> outbox.writer().forgetExpiry());
                    return null;
                })
                .onFailure(kind -> metrics.retry())
                .build();
    }

    /** Tells the sender there is something to send. Called by the schedule. */
    public void wake() {
        waiter.wake();
    }

    /** Stops after sending what is held, or when the stop's drain has passed; the last report gets its grace. */
    public void stop(Stop stop) {
        flushDeadlineNanos = clock.nanoTime() + stop.drain().toNanos();
        reportGrace = stop.grace();
        stopping = true;
        session.wake();
        waiter.stop();
    }

    /** Waits until the first hello is in Redis, or {@code timeout} passes. */
    public boolean awaitFirstSend(Duration timeout) throws InterruptedException {
        return firstSend.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Hellos held by this container's own logical clients. */
    public long held() {
        long n = 0;
        for (Outbox outbox : own) {
            n += outbox.size();
        }
        return n;
    }

    /**
     * Sends until stopped and flushed. A bug must not silently end the only thread that sends (the
     * held hellos depend on it): the loop logs it and goes on.
     */
    @Override
    public void run() {
        new Loop("sender", this::keepSending, waiter, this::sendRound).startingAfter(WAIT_FOR_WORK)
                .finallyRun(this::finish).run();
    }

    private Duration sendRound() throws InterruptedException {
        if (session.connected(this::keepTrying) == null) {
            return WAIT_FOR_WORK;
        }
        try {
            session.once("sending hellos", jedis -> {
                sendHeld(jedis);
                reportIfDue(jedis);
                return null;
            });
            liveness.beat();
        } catch (JedisException e) {
            forceLedgerIfDue();
            session.pause(this::keepTrying);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return WAIT_FOR_WORK;
    }

    private boolean keepSending() {
        return !stopping || (held() > 0 && clock.nanoTime() < flushDeadlineNanos);
    }

    private boolean keepTrying() {
        return !stopping || clock.nanoTime() < flushDeadlineNanos;
    }

    private void sendHeld(Jedis jedis) {
        while (true) {
            List<Outbox> sources = new ArrayList<>();
            List<long[]> batches = new ArrayList<>();
            start = pick(outboxes, start, MAX_PER_CLIENT, MAX_PER_ROUND, sources, batches);
            long total = batches.stream().mapToLong(b -> b[1]).sum();
            if (total == 0) {
                return;
            }
            try {
                Pipeline pipeline = jedis.pipelined();
                for (int i = 0; i < sources.size(); i++) {
                    long first = batches.get(i)[0];
                    Outbox source = sources.get(i);
                    for (long seq = first; seq < first + batches.get(i)[1]; seq++) {
                        long due = source.dueMicros(seq);
                        if (due < 0) {
                            source.writer().write(pipeline, seq);
                        } else {
                            source.writer().write(pipeline, seq, Hello.MESSAGE, due);
                        }
                    }
                }
                replication.sync(pipeline);
            } catch (RuntimeException e) {
                sources.forEach(Outbox::release);
                throw e;
            }
            for (int i = 0; i < sources.size(); i++) {
                sources.get(i).confirm(batches.get(i)[0], batches.get(i)[1]);
            }
            metrics.submitted((int) total);
            if (firstSend.getCount() > 0) {
                firstSend.countDown();
                logFirstHello();
            }
            if (adoption != null) {
                adoption.settle(jedis, reports, outboxes);
            }
        }
    }

    /**
     * Picks one round's batches, going round the clients from {@code cursor}: each gives up to
     * {@code perClient} of its oldest hellos until the round holds {@code perRound}. The next round
     * starts after the last client served, so after an outage every client is caught up in turn
     * and none is always last (and first to overflow).
     *
     * @return where the next round starts
     */
    static int pick(List<Outbox> outboxes, int cursor, int perClient, int perRound, List<Outbox> sources,
            List<long[]> batches) {
        int n = outboxes.size();
        int total = 0;
        int next = cursor;
        for (int k = 0; k < n && total < perRound; k++) {
            int index = Math.floorMod(cursor + k, n);
            Outbox outbox = outboxes.get(index);
            long[] held = outbox.take(Math.min(perClient, perRound - total));
            if (held[1] > 0) {
                sources.add(outbox);
                batches.add(held);
                total += (int) held[1];
            }
            next = index + 1;
        }
        return n == 0 ? 0 : Math.floorMod(next, n);
    }

    private void reportIfDue(Jedis jedis) {
        long now = clock.nanoTime();
        if (now - lastReportNanos < REPORT_EVERY_NANOS) {
            return;
        }
        lastReportNanos = now;
        reports.report(jedis, identity.container(), identity.member(), identity.intervalMillis(), ClientRecord.RUNNING, own,
                ledger != null);
        forceLedgerIfDue();
        if (adoption != null && now - lastAdoptNanos >= ADOPT_EVERY_NANOS) {
            lastAdoptNanos = now;
            outboxes.addAll(adoption.adopt());
            adoption.settle(jedis, reports, outboxes);
        }
    }

    /** Writes the ledger through to the disk, at most once a second (on the sender's thread only). */
    private void forceLedgerIfDue() {
        long now = clock.nanoTime();
        if (ledger != null && now - lastForceNanos >= REPORT_EVERY_NANOS) {
            lastForceNanos = now;
            ledger.force();
        }
    }

    /** The last report: stopped, and what was left unsent; the ledger goes once it holds nothing. */
    private void finish() {
        boolean reported = false;
        try {
            Jedis jedis = session.connected(() -> clock.nanoTime() < flushDeadlineNanos + reportGrace.toNanos());
            if (jedis != null) {
                session.once("reporting the stop", j -> {
                    reports.report(j, identity.container(), identity.member(), identity.intervalMillis(),
                            ClientRecord.STOPPED, own, ledger != null);
                    return null;
                });
                reported = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JedisException e) {
            LOG.debug("Could not report the stop");
        } finally {
            session.close();
        }
        if (ledger != null) {
            try {
                if (held() == 0 && reported) {
                    ledger.delete();
                } else {
                    ledger.close();
                    LOG.warn("Kept {} unsent hello(s) in the ledger {}; the next client container started on this host"
                            + " re-sends them", held(), identity.container());
                }
            } catch (IOException e) {
                LOG.warn("Could not close the ledger: {}", e.getMessage());
            }
        }
        if (adoption != null) {
            adoption.release();
        }
    }

    private static void logFirstHello() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        long wall = info.startInstant().map(s -> Duration.between(s, java.time.Instant.now()).toMillis()).orElse(-1L);
        long cpu = info.totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        LOG.info("First hello enqueued {} ms after the process started, using {} ms of CPU", wall, cpu);
    }
}
