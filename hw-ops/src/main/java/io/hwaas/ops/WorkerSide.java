package io.hwaas.ops;

import io.hwaas.common.config.Env;
import java.io.OutputStream;
import java.time.Duration;

/**
 * What the operator commands need from the worker they ship with. hw-worker depends on hw-ops
 * (its {@code Main} hands the operator commands over, and its tests audit what it printed), so
 * the worker passes this in instead of hw-ops depending on the worker.
 */
public interface WorkerSide {
    /** The workers' heartbeat settings, read from {@code env} as the workers read them. */
    Liveness liveness(Env env);

    /**
     * Starts a real worker in this process, configured by {@code env} and named {@code name}, its
     * hello lines going to {@code out}; returns once it consumes.
     */
    Running start(Env env, String name, OutputStream out) throws InterruptedException;

    /**
     * @param heartbeat how often a worker beats and publishes its figures
     * @param deadAfter how long a silent worker still counts as alive
     */
    record Liveness(Duration heartbeat, Duration deadAfter) {
    }

    /** A worker started by {@link #start}. */
    interface Running extends AutoCloseable {
        /** Hellos it has printed so far. */
        long printed();

        /** Stops it gracefully. */
        @Override
        void close();
    }
}
