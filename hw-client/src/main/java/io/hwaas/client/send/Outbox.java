package io.hwaas.client.send;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The hellos one logical client has made but not yet enqueued, oldest first. Bounded: when it is
 * full the oldest hello is dropped and reported, because an unbounded buffer would only move the
 * loss to an out-of-memory crash that takes every held hello with it.
 */
public final class Outbox {
    /**
     * One hello waiting to be sent.
     *
     * @param seq its sequence number
     * @param madeAtMicros when the schedule produced it
     */
    public record Pending(long seq, long madeAtMicros) {
    }

    private final String client;
    private final int capacity;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long nextSeq = 1;
    private long lastExpiredBlock = -1;

    /**
     * @param client the logical client's id
     * @param capacity most hellos held
     */
    public Outbox(String client, int capacity) {
        this.client = client;
        this.capacity = capacity;
    }

    public String client() {
        return client;
    }

    /**
     * Makes the next hello.
     *
     * @return the hello dropped to make room, or {@code null}
     */
    public synchronized Pending add(long nowMicros) {
        Pending dropped = pending.size() >= capacity ? pending.pollFirst() : null;
        pending.addLast(new Pending(nextSeq++, nowMicros));
        return dropped;
    }

    /** Up to {@code max} of the oldest hellos, left in place until {@link #remove(int)}. */
    public synchronized List<Pending> peek(int max) {
        List<Pending> batch = new ArrayList<>(Math.min(max, pending.size()));
        for (Pending p : pending) {
            if (batch.size() == max) {
                break;
            }
            batch.add(p);
        }
        return batch;
    }

    /** Forgets the {@code n} oldest hellos, once they are safely in Redis. */
    public synchronized void remove(int n) {
        for (int i = 0; i < n; i++) {
            pending.pollFirst();
        }
    }

    public synchronized int size() {
        return pending.size();
    }

    /** The block whose audit bitmap this client last gave a TTL; owned by the sender thread. */
    long lastExpiredBlock() {
        return lastExpiredBlock;
    }

    void lastExpiredBlock(long block) {
        lastExpiredBlock = block;
    }
}
