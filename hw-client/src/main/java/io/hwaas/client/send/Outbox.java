package io.hwaas.client.send;

import io.hwaas.common.hello.HelloWriter;

/**
 * The hellos one logical client has made but Redis has not yet confirmed. A client's sequence
 * numbers have no gaps, so what it holds is a range, {@code firstHeld..made}: two numbers,
 * whatever the outage, so a packed container holding an hour for a thousand clients needs no
 * memory for it. Bounded all the same: beyond {@code capacity} the oldest is dropped and
 * reported, because a hello held for ever would outlive its audit record. A {@link Ledger}, when
 * there is one, mirrors the two numbers on disk.
 */
public final class Outbox {
    private final String client;
    private final int capacity;
    private final HelloWriter writer;
    private final Ledger.Slot slot;
    private long made;
    private long firstHeld = 1;
    private long firstDueMicros = -1;
    private long intervalMicros;

    /**
     * @param client the logical client's id
     * @param capacity most hellos held
     * @param slot where the numbers are kept on disk, or {@code null}
     */
    public Outbox(String client, int capacity, HelloWriter writer, Ledger.Slot slot) {
        this.client = client;
        this.capacity = capacity;
        this.writer = writer;
        this.slot = slot;
    }

    /** An outbox taking over what a dead container's ledger held: it re-sends, and makes nothing new. */
    static Outbox adopted(String client, HelloWriter writer, Ledger.Slot slot) {
        Outbox outbox = new Outbox(client, Integer.MAX_VALUE, writer, slot);
        outbox.made = slot.made();
        outbox.firstHeld = slot.firstHeld();
        return outbox;
    }

    public String client() {
        return client;
    }

    /**
     * Records the schedule: hello 1 is due at {@code firstDueMicros} and each next one an interval
     * later, so that each hello carries the time its tick was due, not the time it was sent.
     */
    public synchronized void scheduleFrom(long firstDueMicros, long intervalMicros) {
        this.firstDueMicros = firstDueMicros;
        this.intervalMicros = intervalMicros;
    }

    /** When hello {@code seq} was due, in epoch microseconds, or -1 when the schedule is unknown (adopted). */
    synchronized long dueMicros(long seq) {
        return firstDueMicros < 0 ? -1 : firstDueMicros + (seq - 1) * intervalMicros;
    }

    HelloWriter writer() {
        return writer;
    }

    /**
     * Makes the next hello: on disk first, so that a crash right after still leaves it on record.
     *
     * @return the sequence number dropped to make room, or 0
     */
    public synchronized long add() {
        long dropped = 0;
        if (made - firstHeld + 1 >= capacity) {
            dropped = firstHeld++;
        }
        made++;
        if (slot != null) {
            slot.record(firstHeld, made);
        }
        return dropped;
    }

    /** The oldest held sequence number, and how many follow it (at most {@code max}). */
    public synchronized long[] peek(int max) {
        return new long[] {firstHeld, Math.min(max, made - firstHeld + 1)};
    }

    /** Forgets the {@code n} oldest hellos, once Redis has confirmed them. */
    public synchronized void remove(long n) {
        firstHeld += Math.min(n, made - firstHeld + 1);
        if (slot != null) {
            slot.record(firstHeld, made);
        }
    }

    public synchronized long size() {
        return made - firstHeld + 1;
    }

    /** Hellos made so far: the client's ticks. */
    public synchronized long made() {
        return made;
    }

    /** The last sequence number no longer held (sent, or dropped). */
    public synchronized long settled() {
        return firstHeld - 1;
    }
}
