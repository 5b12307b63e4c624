package io.hwaas.worker.job;

import io.hwaas.common.hello.Hello;

/** A payload read from the queue: a job to run, or poison with its reason. */
public sealed interface Decoded {

    /**
     * A runnable print job.
     *
     * @param job the job
     * @param meta its identity, or {@code null} for a plain Jesque producer's job
     */
    record Runnable(PrintJob job, Hello.Meta meta) implements Decoded {
    }

    /**
     * A payload no worker can run.
     *
     * @param reason the category
     * @param detail what exactly is wrong, for the dead-letter entry; bounded to
     *     {@link #MAX_DETAIL} characters plus the original length, since it may repeat the payload
     *     (a class name, a field) and travels to Redis as one argument, which must stay far below
     *     Redis' argument limit (proto-max-bulk-len) whatever the payload
     */
    record Poison(PoisonReason reason, String detail) implements Decoded {
        /** The longest detail kept whole. */
        public static final int MAX_DETAIL = 300;

        public Poison {
            if (detail != null && detail.length() > MAX_DETAIL) {
                // Never cut between the two halves of a surrogate pair.
                int cut = Character.isHighSurrogate(detail.charAt(MAX_DETAIL - 1)) ? MAX_DETAIL - 1 : MAX_DETAIL;
                detail = detail.substring(0, cut) + "\u2026 (" + detail.length() + " characters in all)";
            }
        }
    }
}
