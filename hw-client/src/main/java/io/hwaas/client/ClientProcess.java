package io.hwaas.client;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.schedule.Ticker;
import io.hwaas.client.send.Ledger;
import io.hwaas.client.send.Outbox;
import io.hwaas.client.send.Sender;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Names;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.time.Stop;
import io.hwaas.runtime.Liveness;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logical clients of one container: a fixed-rate schedule each, one sender for all, and a
 * ledger on disk when {@code HWAAS_CLIENT_LEDGER_DIR} is set. {@link #stop()} is the SIGTERM
 * path: stop ticking, then flush what is held.
 */
public final class ClientProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ClientProcess.class);

    private final ClientConfig config;
    private final List<Outbox> outboxes = new ArrayList<>();
    private final Sender sender;
    private final Ticker ticker;
    private final ClientMetrics metrics;
    private final Liveness ticking;
    private final Liveness sending;
    private final Thread senderThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String container;

    public ClientProcess(ClientConfig config, PrometheusRegistry registry) {
        this.config = config;
        long start = System.currentTimeMillis();
        container = Names.startedName(Names.keySafe(config.idPrefix(), 40), start);
        Ledger ledger = null;
        if (config.ledgerDir() != null) {
            try {
                ledger = Ledger.create(config.ledgerDir(), container, config.clientsPerContainer(),
                        config.interval().toMillis(), start, config.bufferCapacity());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the ledger in " + config.ledgerDir(), e);
            }
        }
        for (int i = 0; i < config.clientsPerContainer(); i++) {
            String client = ClientIds.of(config.idPrefix(), start, i);
            outboxes.add(new Outbox(client, config.bufferCapacity(),
                    new HelloWriter(config.common().keys(), client, config.common().auditTtl(), config.common().clock()),
                    ledger == null ? null : ledger.slot(i)));
        }
        String member = container + ":" + outboxes.size();
        RedisConnector connector = RedisConnector.of(config.common().redis(), "client-" + container);
        ticking = new Liveness(config.interval().multipliedBy(3).plusSeconds(10), config.common().clock());
        sending = new Liveness(Duration.ofSeconds(30), config.common().clock());
        metrics = new ClientMetrics(registry, this::held, outboxes.size(), config.interval());
        sender = new Sender(outboxes, config.common(), connector, metrics,
                new Sender.Identity(container, member, config.interval().toMillis()), sending,
                new Sender.Ledgers(ledger, config.ledgerDir()));
        ticker = new Ticker(outboxes, sender, metrics, config.interval(), ticking, config.common().clock());
        senderThread = new Thread(sender, "sender");
    }

    /** Starts sending, then ticking. */
    public void start() {
        LOG.info("Client {} starting {} logical client(s), one hello every {} ms each, to {} at {}{}", container,
                outboxes.size(), config.interval().toMillis(), config.common().keys().queue(),
                config.common().redis().describe(), config.ledgerDir() == null ? "" : "; ledger in " + config.ledgerDir());
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
                Stop stop = config.stop();
                ticker.stop(stop.join());
                LOG.info("Stopping: flushing {} held hello(s) for up to {} ms", sender.held(), stop.drain().toMillis());
                sender.stop(stop);
                senderThread.join(stop.total().toMillis());
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

    /** Hellos made but not yet confirmed by Redis. */
    public long held() {
        return sender.held();
    }

    public ClientMetrics metrics() {
        return metrics;
    }

    /** The container's name: its logical clients are {@code name-0..n-1}. */
    public String container() {
        return container;
    }

    /** Whether a ledger keeps what is held. */
    public boolean hasLedger() {
        return config.ledgerDir() != null;
    }

    /** The ids of the logical clients, in order. */
    public List<String> clientIds() {
        return outboxes.stream().map(Outbox::client).toList();
    }
}
