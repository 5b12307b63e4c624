package io.hwaas.worker;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.ops.Liveness;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.worker.consume.Consumer;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.metrics.WorkerFigures;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.hwaas.worker.recovery.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.UnblockType;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One worker process: a heartbeat thread and N consumer threads. {@link #stop()} is the SIGTERM
 * path: consumers stop claiming, blocked ones are woken with CLIENT UNBLOCK, each finishes and
 * acknowledges its batch, and the worker hands back anything left before it deregisters.
 */
public final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** A claimed batch's size limit; HWAAS_MAX_PAYLOAD_BYTES is at most this, so any job fits in one. */
    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final WorkerConfig config;
    private final RedisConnector connector;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Consumer> consumers = new ArrayList<>();
    private final List<Thread> consumerThreads = new ArrayList<>();
    private final List<Liveness> liveness = new ArrayList<>();
    private final Heartbeat heartbeat;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread heartbeatThread;
    private volatile Throwable failure;

    public Worker(WorkerConfig config, RedisConnector connector, LinePrinter printer, WorkerMetrics metrics) {
        this.config = config;
        this.connector = connector;
        Keys keys = config.common().keys();
        JobDecoder decoder = new JobDecoder(config.maxPayloadBytes(), config.maxArgLength());
        Consumer.Settings settings = new Consumer.Settings(config.batchSize(),
                MAX_BATCH_BYTES, config.blockTimeout(), config.common().auditTtl(),
                config.deadLetterMax(), Duration.ofSeconds(5));
        Duration stale = config.blockTimeout().plus(config.common().redisTimeout()).multipliedBy(2).plusSeconds(10);
        List<String> inflightKeys = new ArrayList<>();
        for (int i = 0; i < config.threads(); i++) {
            Liveness alive = new Liveness(stale);
            liveness.add(alive);
            Consumer consumer = new Consumer(config.name() + "." + i, config.name(), keys, connector, decoder, printer,
                    metrics, settings, alive, running::get);
            consumers.add(consumer);
            inflightKeys.add(consumer.inflightKey());
        }
        Liveness beating = new Liveness(stale);
        liveness.add(beating);
        WorkerFigures figures = new WorkerFigures(metrics, config.threads());
        this.heartbeat = new Heartbeat(config.name(), keys, connector, inflightKeys, config.heartbeat(),
                config.deadAfter(), metrics, beating, figures::sample);
    }

    /** Whether every loop of the worker has made progress recently. */
    public boolean healthy() {
        return liveness.stream().allMatch(Liveness::healthy);
    }

    /** Registers, then starts the consumers and the heartbeat; returns at once. */
    public void start() throws InterruptedException {
        if (!heartbeat.register(running::get)) {
            return;
        }
        for (int i = 0; i < consumers.size(); i++) {
            Thread t = new Thread(guard(consumers.get(i)), "consumer-" + i);
            consumerThreads.add(t);
            t.start();
        }
        heartbeatThread = new Thread(guard(() -> {
            try {
                heartbeat.run(running::get);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), "heartbeat");
        heartbeatThread.start();
        LOG.info("Worker {} consuming {} with {} thread(s), batches of up to {}", config.name(),
                config.common().keys().queue(), config.threads(), config.batchSize());
    }

    /** Blocks until the worker has stopped; returns the failure that stopped it, if any. */
    public Throwable await() throws InterruptedException {
        stopped.await();
        return failure;
    }

    /** Stops gracefully; safe to call more than once and from a shutdown hook. */
    public void stop() {
        if (!running.compareAndSet(true, false)) {
            awaitQuietly();
            return;
        }
        LOG.info("Worker {} stopping: finishing in-flight jobs", config.name());
        try {
            unblockUntilStopped(Duration.ofSeconds(12));
            if (heartbeatThread != null) {
                heartbeatThread.interrupt();
                heartbeatThread.join(2000);
            }
            heartbeat.retire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private void unblockUntilStopped(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Jedis control = null;
        try {
            while (consumerThreads.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
                try {
                    if (control == null) {
                        control = connector.open(Duration.ZERO);
                    }
                    for (Consumer consumer : consumers) {
                        long id = consumer.redisClientId();
                        if (id > 0) {
                            control.clientUnblock(id, UnblockType.TIMEOUT);
                        }
                    }
                } catch (JedisException e) {
                    // Redis is away: blocked consumers will time out on their own.
                    if (control != null) {
                        control.close();
                        control = null;
                    }
                }
                for (Thread t : consumerThreads) {
                    t.join(200);
                }
            }
        } finally {
            if (control != null) {
                control.close();
            }
        }
    }

    private Runnable guard(Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                if (running.get()) {
                    failure = t;
                    LOG.error("Worker {} is stopping: {} failed", config.name(), Thread.currentThread().getName(), t);
                    new Thread(this::stop, "stop-after-failure").start();
                }
            }
        };
    }

    private void awaitQuietly() {
        try {
            stopped.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
