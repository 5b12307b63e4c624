package io.hwaas.worker.consume;

import io.hwaas.common.hello.Hello;
import io.hwaas.worker.job.Decoded;

/**
 * One payload of a claimed batch and what it decoded to.
 *
 * @param payload the payload as it sits in the in-flight list (or the placeholder the claim
 *     script sends instead of a payload too large to transfer)
 * @param decoded a runnable job, or poison with its reason
 */
record Job(String payload, Decoded decoded) {
    /** The hello's identity, or {@code null} for poison and for a plain Jesque producer's job. */
    Hello.Meta meta() {
        return decoded instanceof Decoded.Runnable r ? r.meta() : null;
    }
}
