package io.hwaas.client;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.schedule.Ticker;
import io.hwaas.client.send.Outbox;
import io.hwaas.client.send.Sender;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.ops.Liveness;
import io.hwaas.common.redis.RedisConnector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logical clients of one container: a fixed-rate schedule each and one sender for all.
 * {@link #stop()} is the SIGTERM path: stop ticking, then flush what is held.
 */
public final class ClientProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ClientProcess.class);

    private final ClientConfig config;
    private final List<Outbox> outboxes = new ArrayList<>();
    private final Sender sender;
    private final Ticker ticker;
    private final ClientMetrics metrics;
    private final Liveness ticking;
    private final Liveness sending = new Liveness(Duration.ofSeconds(30));
    private final Thread senderThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String member;

    public ClientProcess(ClientConfig config, PrometheusRegistry registry) {
        this.config = config;
        long start = System.currentTimeMillis();
        for (int i = 0; i < config.clientsPerContainer(); i++) {
            outboxes.add(new Outbox(ClientIds.of(config.idPrefix(), start, i), config.bufferCapacity()));
        }
        member = config.idPrefix() + "-" + Long.toString(start, 36) + ":" + outboxes.size();
        RedisConnector connector = new RedisConnector(config.common().redis(), config.common().redisTimeout(),
                config.common().redisCaFile(), "client-" + member.replace(':', '-'));
        ticking = new Liveness(config.interval().multipliedBy(3).plusSeconds(10));
        metrics = new ClientMetrics(registry, this::held, outboxes.size());
        sender = new Sender(outboxes, config.common().keys(), connector, metrics, config.common().auditTtl(),
                member, sending);
        ticker = new Ticker(outboxes, sender, metrics, config.interval(), ticking);
        senderThread = new Thread(sender, "sender");
    }

    /** Starts sending, then ticking. */
    public void start() {
        LOG.info("Client {} starting {} logical client(s), one hello every {} ms each, to {} at {}", member,
                outboxes.size(), config.interval().toMillis(), config.common().keys().queue(), config.common().redis());
        senderThread.start();
        ticker.start();
    }

    /** Stops ticking and flushes what is held, for up to the flush timeout. Idempotent. */
    public void stop() {
        synchronized (stopped) {
            if (stopped.getCount() == 0) {
                return;
            }
            try {
                ticker.stop();
                LOG.info("Stopping: flushing {} held hello(s) for up to {} ms", sender.held(),
                        config.flushTimeout().toMillis());
                sender.stop(config.flushTimeout());
                senderThread.join(config.flushTimeout().toMillis() + 3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    /** Whether ticking and sending both make progress. */
    public boolean healthy() {
        return ticking.healthy() && sending.healthy();
    }

    /** Waits until the first hello is in Redis, or {@code timeout} passes. */
    public boolean awaitFirstSend(Duration timeout) throws InterruptedException {
        return sender.awaitFirstSend(timeout);
    }

    /** Hellos made but not yet enqueued. */
    public long held() {
        return sender.held();
    }

    public ClientMetrics metrics() {
        return metrics;
    }

    /** The ids of the logical clients, in order. */
    public List<String> clientIds() {
        return outboxes.stream().map(Outbox::client).toList();
    }
}
