package io.hwaas.worker;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.common.time.Loop;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.common.time.Stop;
import io.hwaas.runtime.Liveness;
import io.hwaas.worker.consume.Consumer;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.job.JobDecoder;
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
    private final Stop stop;
    private final ServiceClock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Thread heartbeatThread;
    private volatile Throwable failure;

    private Worker(WorkerConfig config, RedisConnector connector, LinePrinter printer, WorkerMetrics metrics) {
        this.config = config;
        this.connector = connector;
        this.metrics = metrics;
        this.stop = config.stop();
        this.clock = config.common().clock();
        Consumer.Settings settings = new Consumer.Settings(config.batchSize(), MAX_BATCH_BYTES, config.maxPayloadBytes(),
                config.blockTimeout(), config.common().auditTtl(), config.deadLetterMax(), config.deadLetterMaxBytes(),
                config.deadLetterMaxAge(), stop.grace());
        Consumer.Shared shared = new Consumer.Shared(config.name(), config.common().keys(), connector,
                new JobDecoder(config.maxPayloadBytes(), config.maxArgLength()), printer, metrics, settings, clock,
                new Semaphore(1));
        this.stale = config.blockTimeout().plus(config.common().redis().timeout()).multipliedBy(2).plusSeconds(10);
        List<String> inflightKeys = new ArrayList<>();
        for (int i = 0; i < config.threads(); i++) {
            Consumer consumer = new Consumer(Keys.consumer(config.name(), i), shared, running::get);
            consumers.add(consumer);
            inflightKeys.add(consumer.inflightKey());
        }
        this.beating = new Liveness(stale, clock);
        this.heartbeat = new Heartbeat(config, connector, inflightKeys, metrics, beating,
                () -> metrics.sample(config.threads(), clock).toJson());
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
            consumerThreads.add(start("consumer-" + i, consumers.get(i).loop()));
        }
        heartbeatThread = start("heartbeat", heartbeat.loop(running::get));
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
            unblockUntilStopped(stop.drain());
            heartbeat.stop();
            if (heartbeatThread != null) {
                heartbeatThread.join(stop.join().toMillis());
            }
            heartbeat.retire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private void unblockUntilStopped(Duration limit) throws InterruptedException {
        long deadline = clock.nanoTime() + limit.toNanos();
        try (RedisSession control = RedisSession.to(connector, "stopping " + config.name()).build()) {
            while (consumerThreads.stream().anyMatch(Thread::isAlive) && clock.nanoTime() < deadline) {
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

    /** Starts a thread whose unexpected failure stops the worker (the orchestrator restarts it). */
    private Thread start(String name, Loop loop) {
        Thread thread = new Thread(loop.onCrash(this::crashed), name);
        thread.start();
        return thread;
    }

    private void crashed(Throwable t) {
        if (running.get()) {
            failure = t;
            LOG.error("Worker {} is stopping: {} failed", config.name(), Thread.currentThread().getName(), t);
            new Thread(this::stop, "stop-after-failure").start();
        }
    }

    private void awaitQuietly() {
        try {
            stopped.await(stop.total().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
