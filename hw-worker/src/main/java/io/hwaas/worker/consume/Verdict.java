package io.hwaas.worker.consume;

/** What a consumer does with one job of its batch, decided from the hello's audit bits. */
enum Verdict {
    /** A hello no run has claimed before (or a plain Jesque job): print it. */
    PRINT,
    /** Claimed by an earlier run that was interrupted and may have printed it: print it, flag a possible duplicate. */
    REPRINT,
    /** Printed already (a re-sent or recovered copy): skip it. */
    SKIP,
    /** Cannot run: file it in the dead-letter list. */
    POISON;

    /** Whether the job's line is printed. */
    boolean prints() {
        return this == PRINT || this == REPRINT;
    }

    /**
     * The verdict for a hello whose bits read {@code submitted + 2 * claimed + 4 * printed}, or -1
     * for a damaged audit key (see mark.lua): printed, since deduplication cannot tell.
     */
    static Verdict of(long flags) {
        if (flags < 0) {
            return PRINT;
        }
        if ((flags & 4) != 0) {
            return SKIP;
        }
        return (flags & 2) != 0 ? REPRINT : PRINT;
    }
}
