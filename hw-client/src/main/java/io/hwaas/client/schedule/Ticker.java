package io.hwaas.client.schedule;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.send.Outbox;
import io.hwaas.client.send.Sender;
import io.hwaas.runtime.Liveness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each logical client's fixed-rate schedule: tick n happens at start + phase + n x interval, so
 * time spent in a tick, a slow Redis or a GC pause never makes the schedule drift (an hour is
 * 3600 hellos, not 3590); late ticks are made up at once. Clients in one process are spread
 * evenly over the interval so that a packed container sends a steady stream, not a burst.
 * Ticks only fill outboxes; they never wait for Redis.
 */
public final class Ticker {
    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ticker");
        t.setDaemon(true);
        return t;
    });
    private final List<Outbox> outboxes;
    private final Sender sender;
    private final ClientMetrics metrics;
    private final Duration interval;
    private final Liveness liveness;
    private final AtomicLong overflowed = new AtomicLong();

    public Ticker(List<Outbox> outboxes, Sender sender, ClientMetrics metrics, Duration interval, Liveness liveness) {
        this.outboxes = List.copyOf(outboxes);
        this.sender = sender;
        this.metrics = metrics;
        this.interval = interval;
        this.liveness = liveness;
    }

    /** Starts every client's schedule. */
    public void start() {
        long period = interval.toNanos();
        for (int i = 0; i < outboxes.size(); i++) {
            Outbox outbox = outboxes.get(i);
            long phase = period * i / outboxes.size();
            scheduler.scheduleAtFixedRate(() -> tick(outbox), phase, period, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops making hellos; those already made stay in the outboxes for the sender. */
    public void stop() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
    }

    private void tick(Outbox outbox) {
        liveness.beat();
        metrics.tick();
        long dropped = outbox.add();
        if (dropped > 0) {
            metrics.overflowed();
            long n = overflowed.incrementAndGet();
            // Log the first drop and then every 1000th, so a long outage cannot flood the log.
            if (n == 1 || n % 1000 == 0) {
                LOG.error("Client buffer full (HWAAS_CLIENT_BUFFER): dropped hello {}:{}; {} hello(s) dropped so far."
                        + " Dropped hellos are lost and show as lost in ./hwaas audit.", outbox.client(),
                        dropped, n);
            }
        }
        sender.wake();
    }
}
