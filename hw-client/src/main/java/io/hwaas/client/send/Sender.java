package io.hwaas.client.send;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.ops.Liveness;
import io.hwaas.common.redis.Backoff;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.redis.RepeatFilter;
import io.hwaas.common.redis.RedisConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The one thread of a client process that talks to Redis. It sends what the outboxes hold, in
 * order, one pipeline per round: for each hello its audit bit, the bitmap's TTL when the block is
 * new, and the Jesque enqueue itself. Hellos leave their outbox only after Redis has answered;
 * on any failure they stay, the sender backs off and retries, and the schedule keeps ticking
 * into the outboxes meanwhile. A send whose reply was lost is sent again; the worker's
 * deduplication makes that harmless.
 */
public final class Sender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final int MAX_PER_CLIENT = 100;
    private static final int MAX_PER_ROUND = 2000;

    private final List<Outbox> outboxes;
    private final Keys keys;
    private final RedisConnector connector;
    private final ClientMetrics metrics;
    private final Duration auditTtl;
    private final String member;
    private final Liveness liveness;
    private final Object signal = new Object();
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private final RepeatFilter problems = new RepeatFilter(Duration.ofMinutes(5));

    private volatile boolean stopping;
    private volatile long flushDeadlineNanos;
    private boolean dirty;
    private Jedis jedis;
    private long lastHeartbeatNanos;
    private boolean firstSent;
    private final java.util.concurrent.CountDownLatch firstSend = new java.util.concurrent.CountDownLatch(1);

    /**
     * @param member this process's entry in the clients' sorted set, {@code name:logicalClients}
     */
    public Sender(List<Outbox> outboxes, Keys keys, RedisConnector connector, ClientMetrics metrics, Duration auditTtl,
            String member, Liveness liveness) {
        this.outboxes = List.copyOf(outboxes);
        this.keys = keys;
        this.connector = connector;
        this.metrics = metrics;
        this.auditTtl = auditTtl;
        this.member = member;
        this.liveness = liveness;
    }

    /** Tells the sender there is something to send. Called by the schedule. */
    public void wake() {
        synchronized (signal) {
            dirty = true;
            signal.notifyAll();
        }
    }

    /** Stops after sending what is held, or when {@code flushTimeout} has passed. */
    public void stop(Duration flushTimeout) {
        flushDeadlineNanos = System.nanoTime() + flushTimeout.toNanos();
        stopping = true;
        wake();
    }

    /** Waits until the first hello is in Redis, or {@code timeout} passes. */
    public boolean awaitFirstSend(Duration timeout) throws InterruptedException {
        return firstSend.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Hellos held in all outboxes. */
    public long held() {
        long n = 0;
        for (Outbox outbox : outboxes) {
            n += outbox.size();
        }
        return n;
    }

    @Override
    public void run() {
        try {
            while (!stopping || (held() > 0 && System.nanoTime() < flushDeadlineNanos)) {
                liveness.beat();
                awaitWork();
                try {
                    if (jedis == null && !connect()) {
                        continue;
                    }
                    heartbeat(false);
                    sendHeld();
                    backoff.reset();
                } catch (JedisException e) {
                    metrics.retry();
                    String problem = RedisConnector.describe(e);
                    if (e instanceof JedisDataException && problems.fresh(problem)) {
                        LOG.warn("Redis refused hellos ({}); holding {} and retrying with backoff", problem, held());
                    } else {
                        LOG.debug("Sending failed, {} hello(s) held: {}", held(), problem);
                    }
                    disconnect();
                    pause(backoff.nextDelayMillis());
                } catch (RuntimeException e) {
                    // A bug must not silently end the only thread that sends: the held hellos depend on it.
                    metrics.retry();
                    if (problems.fresh(String.valueOf(e))) {
                        LOG.error("Unexpected failure while sending; holding {} hello(s) and retrying", held(), e);
                    }
                    disconnect();
                    pause(backoff.nextDelayMillis());
                }
            }
            if (jedis != null) {
                heartbeat(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JedisException e) {
            LOG.debug("Could not deregister: {}", RedisConnector.describe(e));
        } finally {
            disconnect();
        }
    }

    private void sendHeld() {
        while (true) {
            List<Outbox> sources = new ArrayList<>();
            List<List<Outbox.Pending>> batches = new ArrayList<>();
            int total = 0;
            for (Outbox outbox : outboxes) {
                if (total >= MAX_PER_ROUND) {
                    break;
                }
                List<Outbox.Pending> batch = outbox.peek(MAX_PER_CLIENT);
                if (!batch.isEmpty()) {
                    sources.add(outbox);
                    batches.add(batch);
                    total += batch.size();
                }
            }
            if (total == 0) {
                return;
            }
            Pipeline pipeline = jedis.pipelined();
            long[] expired = new long[sources.size()];
            for (int i = 0; i < sources.size(); i++) {
                Outbox outbox = sources.get(i);
                expired[i] = outbox.lastExpiredBlock();
                for (Outbox.Pending hello : batches.get(i)) {
                    long block = AuditBits.block(hello.seq());
                    String auditKey = keys.audit(outbox.client(), block);
                    pipeline.setbit(auditKey, AuditBits.offset(hello.seq(), AuditBits.SUBMITTED), true);
                    if (block != expired[i]) {
                        pipeline.expire(auditKey, auditTtl.toSeconds());
                        expired[i] = block;
                    }
                    pipeline.rpush(keys.queue(), Hello.encode(Hello.MESSAGE,
                            new Hello.Meta(outbox.client(), hello.seq(), Hello.nowMicros())));
                }
            }
            Pipelines.sync(pipeline);
            for (int i = 0; i < sources.size(); i++) {
                sources.get(i).remove(batches.get(i).size());
                sources.get(i).lastExpiredBlock(expired[i]);
            }
            metrics.submitted(total);
            if (!firstSent) {
                firstSent = true;
                logFirstHello();
                firstSend.countDown();
            }
        }
    }

    private void heartbeat(boolean leaving) {
        long now = System.nanoTime();
        if (leaving) {
            jedis.zrem(keys.clients(), member);
        } else if (now - lastHeartbeatNanos >= 1_000_000_000L) {
            jedis.zadd(keys.clients(), System.currentTimeMillis(), member);
            lastHeartbeatNanos = now;
        }
    }

    private boolean connect() throws InterruptedException {
        jedis = connector.connect("client " + member, () -> {
            liveness.beat();
            return !stopping || System.nanoTime() < flushDeadlineNanos;
        });
        if (jedis == null) {
            return false;
        }
        jedis.sadd(keys.queues(), keys.queueName());
        for (Outbox outbox : outboxes) {
            // Redis may have restarted without our bitmaps' TTLs: set them again on the next send.
            outbox.lastExpiredBlock(-1);
        }
        return true;
    }

    private void awaitWork() throws InterruptedException {
        synchronized (signal) {
            if (!dirty && !stopping) {
                signal.wait(1000);
            }
            dirty = false;
        }
    }

    private void pause(long millis) throws InterruptedException {
        synchronized (signal) {
            long until = System.nanoTime() + millis * 1_000_000;
            long left;
            while ((left = until - System.nanoTime()) > 0 && !(stopping && System.nanoTime() >= flushDeadlineNanos)) {
                signal.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private void disconnect() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
            jedis = null;
        }
    }

    private static void logFirstHello() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        long wall = info.startInstant().map(s -> Duration.between(s, java.time.Instant.now()).toMillis()).orElse(-1L);
        long cpu = info.totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        LOG.info("First hello enqueued {} ms after the process started, using {} ms of CPU", wall, cpu);
    }
}
