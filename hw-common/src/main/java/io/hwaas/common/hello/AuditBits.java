package io.hwaas.common.hello;

/**
 * The audit trail of hellos: four bits per hello in a Redis bitmap, one bitmap per client and
 * block of {@link #BLOCK} sequence numbers, expiring after the audit TTL. Clients set
 * {@link #SUBMITTED}; workers set {@link #CLAIMED} before printing, {@link #PRINTED} after, and
 * {@link #REPRINTED} when they print a hello whose earlier run may have printed it already.
 *
 * <p>At four bits a hello, a day of 1000 hellos a second takes about 43 MB.
 */
public final class AuditBits {
    /** Sequence numbers per bitmap key: 2 KiB per key. */
    public static final int BLOCK = 4096;

    /** Set by the client when it sends the hello. */
    public static final int SUBMITTED = 0;
    /** Set by a worker once the hello is in its in-flight list, before printing. */
    public static final int CLAIMED = 1;
    /** Set by a worker after the line is written and flushed. */
    public static final int PRINTED = 2;
    /** Set when a run printed a hello that an earlier, interrupted run had claimed. */
    public static final int REPRINTED = 3;

    private AuditBits() {
    }

    /** The block that holds {@code seq}. */
    public static long block(long seq) {
        return seq / BLOCK;
    }

    /** The bit offset of {@code flag} for {@code seq} inside its block's bitmap. */
    public static long offset(long seq, int flag) {
        return (seq % BLOCK) * 4 + flag;
    }

    /** Whether {@code flag} is set in flags read by {@link #flags}. */
    public static boolean has(int flags, int flag) {
        return (flags & 1 << flag) != 0;
    }

    /**
     * The flags of one hello from a bitmap read with {@code GET}: bit {@code flag} of the result
     * is set when that flag is. Redis numbers bits from the most significant bit of each byte.
     */
    public static int flags(byte[] bitmap, long seq) {
        int flags = 0;
        for (int flag = 0; flag < 4; flag++) {
            long bit = offset(seq, flag);
            int index = (int) (bit >>> 3);
            if (index < bitmap.length && (bitmap[index] & (0x80 >>> (bit & 7))) != 0) {
                flags |= 1 << flag;
            }
        }
        return flags;
    }
}
