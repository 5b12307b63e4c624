package io.hwaas.worker;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.runtime.Liveness;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private final WorkerMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Consumer> consumers = new ArrayList<>();
    private final List<Thread> consumerThreads = new ArrayList<>();
    private final Liveness beating;
    private final Duration stale;
    private final Heartbeat heartbeat;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread heartbeatThread;
    private volatile Throwable failure;

    private Worker(WorkerConfig config, RedisConnector connector, LinePrinter printer, WorkerMetrics metrics) {
        this.config = config;
        this.connector = connector;
        this.metrics = metrics;
        Keys keys = config.common().keys();
        JobDecoder decoder = new JobDecoder(config.maxPayloadBytes(), config.maxArgLength());
        Consumer.Settings settings = new Consumer.Settings(config.batchSize(), MAX_BATCH_BYTES, config.maxPayloadBytes(),
                config.blockTimeout(), config.common().auditTtl(), config.deadLetterMax(), config.deadLetterMaxBytes(),
                Duration.ofSeconds(5));
        this.stale = config.blockTimeout().plus(config.common().redis().timeout()).multipliedBy(2).plusSeconds(10);
        List<String> inflightKeys = new ArrayList<>();
        Semaphore watching = new Semaphore(1);
        for (int i = 0; i < config.threads(); i++) {
            Consumer consumer = new Consumer(Keys.consumer(config.name(), i), config.name(), keys, connector, decoder,
                    printer, metrics, settings, config.common().clock(), running::get, watching);
            consumers.add(consumer);
            inflightKeys.add(consumer.inflightKey());
        }
        this.beating = new Liveness(stale);
        WorkerFigures figures = new WorkerFigures(metrics, config.threads());
        this.heartbeat = new Heartbeat(config.name(), keys, connector, inflightKeys, config.heartbeat(),
                config.deadAfter(), metrics, beating, figures::sample);
    }

    /**
     * The one wiring of a worker, shared by {@code Main}, the tests and the benchmark.
     *
     * @param printer where hello lines go (stdout in a service)
     */
    public static Worker create(WorkerConfig config, LinePrinter printer, WorkerMetrics metrics) {
        return new Worker(config, RedisConnector.of(config.common().redis(), config.name()), printer, metrics);
    }

    public WorkerConfig config() {
        return config;
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    /**
     * Whether every loop makes progress: the heartbeat beats, and each consumer either made
     * progress recently or is waiting for a Redis the heartbeat cannot reach either.
     */
    public boolean healthy() {
        return beating.healthy() && consumers.stream()
                .allMatch(c -> c.progressedWithin(stale) || !heartbeat.redisReachable());
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
        consumers.forEach(Consumer::stopping);
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
        try (RedisSession control = RedisSession.to(connector, "stopping " + config.name()).build()) {
            while (consumerThreads.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
                try {
                    control.once("unblocking consumers", jedis -> {
                        for (Consumer consumer : consumers) {
                            long id = consumer.redisClientId();
                            if (id > 0) {
                                jedis.clientUnblock(id, UnblockType.TIMEOUT);
                            }
                        }
                        return null;
                    });
                } catch (JedisException e) {
                    // Redis is away: blocked consumers time out on their own.
                }
                for (Thread t : consumerThreads) {
                    t.join(200);
                }
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
