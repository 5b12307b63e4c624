package io.hwaas.worker.consume;

/**
 * The dead-letter entry format: one JSON object per refused payload, written by the
 * acknowledgement script ({@code ack.lua}) so that the payload's bytes never travel back from the
 * worker. Fields: {@code reason}, {@code detail}, {@code queue}, {@code worker},
 * {@code failedAtMillis} (Redis' clock), {@code length} (bytes), and either {@code payload}, the
 * payload exactly as found, or, when keeping it whole would make the entry larger than
 * {@link #KEEP_WHOLE_BYTES}, its {@code sha1} and a {@code prefix} of {@link #PREFIX_BYTES}
 * bytes. Bounded entries are what keep a poison payload of any size from stalling a worker: a
 * copy of a huge payload, inflated by escaping, would pass Redis' argument limit and be refused
 * for ever. The audit (hw-ops) reads the entries back.
 */
public final class DeadLetters {
    /** Largest entry that keeps its payload whole. */
    public static final int KEEP_WHOLE_BYTES = 256 * 1024;
    /** How much of a payload too large to keep whole is kept. */
    public static final int PREFIX_BYTES = 1024;

    private DeadLetters() {
    }
}
