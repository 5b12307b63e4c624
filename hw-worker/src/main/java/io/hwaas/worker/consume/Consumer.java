package io.hwaas.worker.consume;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.ops.Liveness;
import io.hwaas.common.redis.Backoff;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.redis.RepeatFilter;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.metrics.WorkerMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One consumer thread: takes jobs from the queue into its own in-flight list, prints them and
 * acknowledges them. The order of steps is what makes delivery at-least-once with
 * deduplication:
 *
 * <ol>
 *   <li><b>Claim.</b> Jobs move atomically from the queue to this consumer's in-flight list
 *       (BLMOVE when the queue is empty, so pickup is instant and idle costs nothing; a Lua
 *       batch move when it is not). From here on a crash leaves them where recovery finds them.
 *   <li><b>Mark claimed.</b> One BITFIELD per hello sets its claimed bit and reads its printed
 *       bit. Printed already: skip it. Claimed already: an earlier run was interrupted and may
 *       have printed it, so print it and flag a possible duplicate.
 *   <li><b>Print</b> the batch in one write and flush.
 *   <li><b>Mark printed, then acknowledge</b> by deleting the in-flight list. A crash between
 *       print and mark is the one window in which a hello can print twice.
 * </ol>
 *
 * Redis failures never lose the batch: each step retries on a fresh connection until it
 * succeeds or the worker stops, in which case the jobs stay in flight for recovery.
 */
public final class Consumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    private static final LuaScript CLAIM = LuaScript.load(Consumer.class, "claim.lua");

    /** How a consumer is tuned; see {@code WorkerConfig} for the variables behind each. */
    public record Settings(int batchSize, int maxBatchBytes, Duration blockTimeout, Duration auditTtl,
            int deadLetterMax, Duration giveUpWhenStopping) {
    }

    private final String name;
    private final String workerName;
    private final Keys keys;
    private final String inflight;
    private final RedisConnector connector;
    private final JobDecoder decoder;
    private final LinePrinter printer;
    private final WorkerMetrics metrics;
    private final Settings settings;
    private final Liveness liveness;
    private final BooleanSupplier running;
    private final List<String> claimKeys;
    private final List<String> claimArgs;

    private Jedis jedis;
    private volatile long redisClientId = -1;
    /** Whether the queue may hold a backlog; while it is idle, skip the batch claim and just block. */
    private boolean backlog = true;
    /**
     * Set on every new connection: a claim whose reply was lost with the old one has left its jobs
     * in this consumer's in-flight list, which the next acknowledgement would delete unprinted.
     */
    private boolean checkOwnInflight = true;
    private final Backoff claimBackoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
    private final RepeatFilter problems = new RepeatFilter(Duration.ofMinutes(5));

    /**
     * @param name this consumer's name, unique in the deployment; names its in-flight list
     * @param workerName the worker process it belongs to, for dead-letter entries
     * @param running turns false when the worker is asked to stop
     */
    public Consumer(String name, String workerName, Keys keys, RedisConnector connector, JobDecoder decoder,
            LinePrinter printer, WorkerMetrics metrics, Settings settings, Liveness liveness, BooleanSupplier running) {
        this.name = name;
        this.workerName = workerName;
        this.keys = keys;
        this.inflight = keys.inflight(name);
        this.connector = connector;
        this.decoder = decoder;
        this.printer = printer;
        this.metrics = metrics;
        this.settings = settings;
        this.liveness = liveness;
        this.running = running;
        this.claimKeys = List.of(keys.queue(), inflight);
        this.claimArgs = List.of(Integer.toString(settings.batchSize()), Integer.toString(settings.maxBatchBytes()));
    }

    /** This consumer's in-flight list. */
    public String inflightKey() {
        return inflight;
    }

    /** The Redis client id of the connection blocked in BLMOVE, for CLIENT UNBLOCK; -1 if none. */
    public long redisClientId() {
        return redisClientId;
    }

    @Override
    public void run() {
        try {
            while (running.getAsBoolean()) {
                liveness.beat();
                List<String> batch;
                try {
                    if (jedis == null && !connect()) {
                        break;
                    }
                    batch = claim();
                    claimBackoff.reset();
                } catch (JedisException e) {
                    failed("claiming jobs", e);
                    claimBackoff.sleep();
                    continue;
                }
                if (!batch.isEmpty()) {
                    process(batch);
                }
            }
        } catch (StoppedWithJobsInFlight e) {
            LOG.warn("{} stopped with {} job(s) still in flight in {}; a live worker will return them to the queue",
                    name, e.count, inflight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            disconnect();
        }
    }

    private List<String> claim() {
        if (checkOwnInflight) {
            List<String> left = jedis.lrange(inflight, 0, -1);
            checkOwnInflight = false;
            if (!left.isEmpty()) {
                LOG.warn("{}: {} job(s) were in flight from a claim whose reply was lost; running them now", name,
                        left.size());
                return left;
            }
        }
        if (backlog) {
            @SuppressWarnings("unchecked")
            List<String> batch = (List<String>) CLAIM.run(jedis, claimKeys, claimArgs);
            if (!batch.isEmpty() || !running.getAsBoolean()) {
                return batch;
            }
        }
        String one = jedis.blmove(keys.queue(), inflight, ListDirection.LEFT, ListDirection.RIGHT,
                settings.blockTimeout().toMillis() / 1000.0);
        // A job handed over by BLMOVE may be the first of a burst: look for more next time round.
        backlog = one != null;
        return one == null ? List.of() : List.of(one);
    }

    /** A job of the current batch and what became of it. */
    private static final class Entry {
        final String payload;
        final Decoded decoded;
        Response<List<Long>> bits;
        boolean print;
        boolean reprint;
        boolean keyMissing;

        Entry(String payload, Decoded decoded) {
            this.payload = payload;
            this.decoded = decoded;
        }

        Hello.Meta meta() {
            return decoded instanceof Decoded.Runnable r ? r.meta() : null;
        }
    }

    private void process(List<String> batch) throws InterruptedException, StoppedWithJobsInFlight {
        List<Entry> entries = new ArrayList<>(batch.size());
        boolean anyMeta = false;
        for (String payload : batch) {
            Entry entry = new Entry(payload, decoder.decode(payload));
            anyMeta |= entry.meta() != null;
            entries.add(entry);
        }
        if (anyMeta) {
            retry("marking hellos claimed", batch.size(), () -> markClaimed(entries));
        }

        List<String> lines = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            if (entry.decoded instanceof Decoded.Runnable runnable) {
                if (entry.bits == null) {
                    entry.print = true;
                } else {
                    List<Long> bits = entry.bits.get();
                    entry.keyMissing = bits.get(0) == 0;
                    entry.reprint = bits.get(1) == 1;
                    entry.print = bits.get(2) == 0;
                }
                if (entry.print) {
                    lines.add(runnable.job().line());
                }
            }
        }
        try {
            printer.print(lines);
        } catch (IOException e) {
            metrics.outputFailure();
            throw new UncheckedIOException("cannot write to stdout; the batch stays in flight", e);
        }
        long printedAt = Hello.nowMicros();

        retry("acknowledging printed hellos", batch.size(), () -> acknowledge(entries));

        int printed = 0;
        for (Entry entry : entries) {
            Hello.Meta meta = entry.meta();
            if (entry.decoded instanceof Decoded.Poison poison) {
                metrics.deadLettered(poison.reason());
                LOG.warn("Dead-lettered a payload from {}: {} ({})", keys.queue(), poison.reason().label(), poison.detail());
            } else if (!entry.print) {
                metrics.suppressed();
            } else {
                printed++;
                if (entry.reprint) {
                    metrics.reprinted();
                }
                if (meta != null) {
                    metrics.latency((printedAt - meta.enqueuedAtMicros()) / 1e6);
                }
            }
        }
        metrics.printed(printed);
    }

    private void markClaimed(List<Entry> entries) {
        Pipeline pipeline = jedis.pipelined();
        for (Entry entry : entries) {
            Hello.Meta meta = entry.meta();
            if (meta != null) {
                entry.bits = pipeline.bitfield(keys.audit(meta.client(), AuditBits.block(meta.seq())),
                        "GET", "u1", Long.toString(AuditBits.offset(meta.seq(), AuditBits.SUBMITTED)),
                        "SET", "u1", Long.toString(AuditBits.offset(meta.seq(), AuditBits.CLAIMED)), "1",
                        "GET", "u1", Long.toString(AuditBits.offset(meta.seq(), AuditBits.PRINTED)));
            }
        }
        Pipelines.sync(pipeline);
    }

    private void acknowledge(List<Entry> entries) {
        List<String> deadLetters = new ArrayList<>();
        Pipeline pipeline = jedis.pipelined();
        for (Entry entry : entries) {
            Hello.Meta meta = entry.meta();
            if (entry.decoded instanceof Decoded.Poison poison) {
                deadLetters.add(DeadLetters.entry(entry.payload, poison, keys.queue(), workerName));
            } else if (meta != null && entry.print) {
                String key = keys.audit(meta.client(), AuditBits.block(meta.seq()));
                String printed = Long.toString(AuditBits.offset(meta.seq(), AuditBits.PRINTED));
                if (entry.reprint) {
                    pipeline.bitfield(key, "SET", "u1", printed, "1",
                            "SET", "u1", Long.toString(AuditBits.offset(meta.seq(), AuditBits.REPRINTED)), "1");
                } else {
                    pipeline.setbit(key, AuditBits.offset(meta.seq(), AuditBits.PRINTED), true);
                }
                if (entry.keyMissing) {
                    // The client's record expired or never arrived: give the new key a TTL so it cannot leak.
                    pipeline.expire(key, settings.auditTtl().toSeconds());
                }
            }
        }
        Response<Long> deadLetterLength = null;
        if (!deadLetters.isEmpty()) {
            // Entry and removal from in-flight together, so a retry cannot file a payload twice.
            pipeline.multi();
            deadLetterLength = pipeline.lpush(keys.deadLetter(), deadLetters.toArray(new String[0]));
            pipeline.ltrim(keys.deadLetter(), 0, settings.deadLetterMax() - 1);
            pipeline.del(inflight);
            pipeline.exec();
        } else {
            pipeline.del(inflight);
        }
        Pipelines.sync(pipeline);
        if (deadLetterLength != null && deadLetterLength.get() > settings.deadLetterMax()) {
            long dropped = deadLetterLength.get() - settings.deadLetterMax();
            jedis.hincrBy(keys.counters(), "deadletter_dropped", dropped);
            LOG.error("The dead-letter list {} is full ({} entries, HWAAS_DEADLETTER_MAX); dropped its {} oldest entries",
                    keys.deadLetter(), settings.deadLetterMax(), dropped);
        }
    }

    private interface Step {
        void run();
    }

    /** Runs a step until it succeeds, reconnecting with backoff; gives up only when stopping. */
    private void retry(String what, int jobs, Step step) throws InterruptedException, StoppedWithJobsInFlight {
        long stoppingSince = 0;
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
        while (true) {
            try {
                if (jedis == null) {
                    jedis = connector.open(settings.blockTimeout());
                    redisClientId = jedis.clientId();
                }
                step.run();
                return;
            } catch (JedisException e) {
                failed(what, e);
                if (!running.getAsBoolean()) {
                    long now = System.nanoTime();
                    stoppingSince = stoppingSince == 0 ? now : stoppingSince;
                    if (now - stoppingSince > settings.giveUpWhenStopping().toNanos()) {
                        throw new StoppedWithJobsInFlight(jobs);
                    }
                }
                liveness.beat();
                backoff.sleep();
            }
        }
    }

    private boolean connect() throws InterruptedException {
        jedis = connector.connect(name, settings.blockTimeout(), () -> {
            liveness.beat();
            return running.getAsBoolean();
        });
        if (jedis == null) {
            return false;
        }
        redisClientId = jedis.clientId();
        checkOwnInflight = true;
        return true;
    }

    private void failed(String what, JedisException e) {
        metrics.redisFailure();
        if (e instanceof JedisConnectionException || RedisConnector.isAuthFailure(e)) {
            if (running.getAsBoolean()) {
                LOG.debug("{}: Redis failed while {}: {}", name, what, RedisConnector.describe(e));
            }
        } else if (problems.fresh(what + RedisConnector.describe(e))) {
            // Refusals repeat on every retry (out of memory, missing permission): say it once in a while.
            LOG.warn("{}: Redis refused a command while {}: {}; retrying with backoff", name, what,
                    RedisConnector.describe(e));
        }
        disconnect();
    }

    private void disconnect() {
        redisClientId = -1;
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // The connection is already broken; closing is best effort.
            }
            jedis = null;
        }
    }

    /** The worker stopped while Redis was unreachable; the batch stays in flight for recovery. */
    private static final class StoppedWithJobsInFlight extends Exception {
        private static final long serialVersionUID = 1L;
        final int count;

        StoppedWithJobsInFlight(int count) {
            super(null, null, false, false);
            this.count = count;
        }
    }
}
