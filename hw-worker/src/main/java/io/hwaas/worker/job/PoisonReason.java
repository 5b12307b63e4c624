package io.hwaas.worker.job;

/** Why a payload cannot run; the label in metrics and in the dead-letter entry. */
public enum PoisonReason {
    /** Longer than {@code HWAAS_MAX_PAYLOAD_BYTES}; not parsed at all. */
    OVERSIZED_PAYLOAD,
    /** Not JSON. */
    MALFORMED_JSON,
    /** JSON, but not a Jesque job (no class name, not an object, trailing data). */
    MALFORMED_JOB,
    /** A job name this worker does not run. */
    UNKNOWN_JOB,
    /** Not exactly one string argument. */
    BAD_ARGUMENTS,
    /** The argument is longer than {@code HWAAS_MAX_ARG_LENGTH}. */
    OVERSIZED_ARGUMENT,
    /** The {@code "hwaas"} identity object is present but malformed. */
    BAD_METADATA;

    /** The lower-case label used in metrics and dead-letter entries. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
