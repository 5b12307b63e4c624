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
     * @param detail what exactly is wrong, for the dead-letter entry
     */
    record Poison(PoisonReason reason, String detail) implements Decoded {
    }
}
