package io.hwaas.client.send;

import io.hwaas.common.hello.HelloWriter;

/**
 * The hellos one logical client has made but Redis has not yet confirmed. A client's sequence
 * numbers have no gaps, so what it holds is a range, {@code firstHeld..made}: two numbers,
 * whatever the outage, so a packed container holding an hour for a thousand clients needs no
 * memory for it. Bounded all the same: beyond {@code capacity} the oldest is dropped and
 * reported, because a hello held for ever would outlive its audit record. A {@link Ledger}, when
 * there is one, mirrors the two numbers on disk.
 *
 * <p>While the oldest are in a round trip ({@link #take}), a full outbox drops nothing: the drop
 * waits for the round trip's outcome, so that only hellos never sent are dropped and reported.
 * Confirmed, they leave and make room; failed ({@link #release}), the next tick drops the excess.
 */
public final class Outbox {
    private final String client;
    private final int capacity;
    private final HelloWriter writer;
    private final Ledger.Slot slot;
    private long made;
    private long firstHeld = 1;
    /** How many of the oldest held are in a round trip, 0 when none. */
    private long sending;
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

    /** Hellos dropped to make room: {@code first..first+count-1}. */
    public record Drop(long first, long count) {
        static final Drop NONE = new Drop(0, 0);
    }

    /**
     * Makes the next hello: on disk first, so that a crash right after still leaves it on record.
     * Beyond the capacity the oldest are dropped, unless they are in a round trip.
     *
     * @return the hellos dropped to make room
     */
    public synchronized Drop add() {
        made++;
        Drop dropped = Drop.NONE;
        long excess = made - firstHeld + 1 - capacity;
        if (excess > 0 && sending == 0) {
            dropped = new Drop(firstHeld, excess);
            firstHeld += excess;
        }
        if (slot != null) {
            slot.record(firstHeld, made);
        }
        return dropped;
    }

    /** The oldest held sequence number, and how many follow it (at most {@code max}). */
    public synchronized long[] peek(int max) {
        return new long[] {firstHeld, Math.min(max, made - firstHeld + 1)};
    }

    /** As {@link #peek}, marking them as in a round trip until {@link #confirm} or {@link #release}. */
    synchronized long[] take(int max) {
        long[] held = peek(max);
        sending = held[1];
        return held;
    }

    /** The round trip failed: what it carried is held as before, and may be dropped again. */
    synchronized void release() {
        sending = 0;
    }

    /**
     * Forgets hellos {@code first..first+n-1} once Redis has confirmed them: by number, not by
     * count, so that hellos made or dropped meanwhile are never mistaken for them.
     */
    public synchronized void confirm(long first, long n) {
        firstHeld = Math.max(firstHeld, Math.min(first + n, made + 1));
        sending = 0;
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
