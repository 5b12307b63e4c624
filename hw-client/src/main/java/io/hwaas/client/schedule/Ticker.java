package io.hwaas.client.schedule;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.send.Outbox;
import io.hwaas.client.send.Sender;
import io.hwaas.common.time.Loop;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.common.time.Waiter;
import io.hwaas.runtime.Liveness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each logical client's fixed-rate schedule: its tick n is due at {@code first + n x interval},
 * so time spent in a tick, a slow Redis or a GC pause never makes the schedule drift (an hour is
 * 3600 hellos, not 3590); late ticks are made up at once. Ticks only fill outboxes; they never
 * wait for Redis.
 *
 * <p>Every client's ticks fall on a slot: the interval is cut into slots of {@link #SLOT}, aligned
 * to the wall clock, and the clients of a container are dealt round the slots starting with the
 * next one, so that its first hello is never more than a slot away. A slot's ticks are one wake-up of one thread and one round trip to Redis for
 * the whole container, and the clients of every container on a host that share a slot reach the
 * workers together, as a burst they claim in batches: one wake-up per client and per hello all
 * the way through, as a steady stream would cost, is most of what a hello costs. Latency is
 * measured from each tick's due time, so this holds nothing back.
 */
public final class Ticker {
    /** The length of a slot; an interval shorter than this is one slot. */
    public static final Duration SLOT = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);

    private final List<Outbox> outboxes;
    private final Sender sender;
    private final ClientMetrics metrics;
    private final Duration interval;
    private final Liveness liveness;
    private final ServiceClock clock;
    private final AtomicLong overflowed = new AtomicLong();
    private final Waiter waiter = new Waiter();
    private final List<List<Outbox>> slotClients = new ArrayList<>();
    private long[] dueNanos;
    private volatile boolean running = true;
    private Thread thread;

    /** @param clock the wall clock that slots are aligned to */
    public Ticker(List<Outbox> outboxes, Sender sender, ClientMetrics metrics, Duration interval, Liveness liveness,
            ServiceClock clock) {
        this.outboxes = List.copyOf(outboxes);
        this.sender = sender;
        this.metrics = metrics;
        this.interval = interval;
        this.liveness = liveness;
        this.clock = clock;
    }

    /** How many slots an interval has: whole slots, at least one. */
    static int slots(Duration interval) {
        return (int) Math.max(1, interval.toMillis() / SLOT.toMillis());
    }

    /**
     * When slot {@code slot} is first due after {@code nowMillis}, in epoch milliseconds: slots are
     * aligned to multiples of the interval since the epoch, so every container agrees on them.
     */
    static long firstDue(long nowMillis, long intervalMillis, int slot, int slots) {
        long offset = intervalMillis * slot / slots;
        long due = nowMillis - Math.floorMod(nowMillis, intervalMillis) + offset;
        return due <= nowMillis ? due + intervalMillis : due;
    }

    /** The slot after the one {@code nowMillis} falls in. */
    static int nextSlot(long nowMillis, long intervalMillis, int slots) {
        return (int) ((Math.floorMod(nowMillis, intervalMillis) * slots / intervalMillis + 1) % slots);
    }

    /** Starts every client's schedule: one thread, waking for each slot that has clients. */
    public void start() {
        int slots = slots(interval);
        long intervalMillis = interval.toMillis();
        long now = clock.millis();
        long nowNanos = clock.nanoTime();
        List<Long> due = new ArrayList<>();
        int firstSlot = nextSlot(now, intervalMillis, slots);
        List<List<Outbox>> bySlot = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            bySlot.add(new ArrayList<>());
        }
        for (int i = 0; i < outboxes.size(); i++) {
            bySlot.get(Math.floorMod(firstSlot + i, slots)).add(outboxes.get(i));
        }
        for (int s = 0; s < slots; s++) {
            List<Outbox> clients = List.copyOf(bySlot.get(s));
            if (clients.isEmpty()) {
                continue;
            }
            long first = firstDue(now, intervalMillis, s, slots);
            for (Outbox outbox : clients) {
                outbox.scheduleFrom(first * 1000, intervalMillis * 1000);
            }
            slotClients.add(clients);
            // Due on the monotonic clock from here on: a step of the wall clock moves no tick.
            due.add(nowNanos + (first - now) * 1_000_000);
        }
        dueNanos = due.stream().mapToLong(Long::longValue).toArray();
        thread = new Thread(new Loop("ticker", () -> running, waiter, this::tickDue), "ticker");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops making hellos, waiting up to {@code join} for a tick under way; those made stay for the sender. */
    public void stop(Duration join) throws InterruptedException {
        running = false;
        waiter.stop();
        if (thread != null) {
            thread.join(join.toMillis());
        }
    }

    /** Ticks every slot that is due, late ones made up at once; returns the wait until the next. */
    private Duration tickDue() {
        long intervalNanos = interval.toMillis() * 1_000_000;
        long now = clock.nanoTime();
        long next = now + intervalNanos;
        for (int s = 0; s < dueNanos.length; s++) {
            while (dueNanos[s] <= now) {
                tick(slotClients.get(s));
                dueNanos[s] += intervalNanos;
            }
            next = Math.min(next, dueNanos[s]);
        }
        return Duration.ofNanos(Math.max(0, next - clock.nanoTime()));
    }

    private void tick(List<Outbox> due) {
        liveness.beat();
        for (Outbox outbox : due) {
            metrics.tick();
            Outbox.Drop dropped = outbox.add();
            for (long k = 0; k < dropped.count(); k++) {
                overflowedOne(outbox, dropped.first() + k);
            }
        }
        sender.wake();
    }

    private void overflowedOne(Outbox outbox, long dropped) {
        metrics.overflowed();
        long n = overflowed.incrementAndGet();
        // Log the first drop and then every 1000th, so a long outage cannot flood the log.
        if (n == 1 || n % 1000 == 0) {
            LOG.error("Client buffer full (HWAAS_CLIENT_BUFFER): dropped hello {}:{}; {} hello(s) dropped so far."
                    + " Dropped hellos are lost and show as lost in ./hwaas audit.", outbox.client(), dropped, n);
        }
    }
}
