package io.hwaas.common.hello;

import net.greghaines.jesque.utils.JesqueUtils;

/**
 * Every Redis key the services use, in one place. Queue, in-flight and worker-set keys follow
 * Jesque's layout, so Jesque's tools and workers see the same queue. HWaaS' own records live
 * under {@code <namespace>:hwaas:<queue>:}, so deployments with different queues can share one
 * Redis without crosstalk.
 *
 * @param namespace Jesque namespace ({@code HWAAS_NAMESPACE})
 * @param queueName Jesque queue name ({@code HWAAS_QUEUE})
 */
public record Keys(String namespace, String queueName) {

    /** Jesque's queue list: clients push to the tail, workers take from the head. */
    public String queue() {
        return JesqueUtils.createKey(namespace, "queue", queueName);
    }

    /** Jesque's set of known queue names. */
    public String queues() {
        return JesqueUtils.createKey(namespace, "queues");
    }

    /** Jesque's set of registered worker names. */
    public String jesqueWorkers() {
        return JesqueUtils.createKey(namespace, "workers");
    }

    /** The in-flight list of one consumer, in Jesque's {@code inflight:<worker>:<queue>} form. */
    public String inflight(String consumer) {
        return JesqueUtils.createKey(namespace, "inflight", consumer, queueName);
    }

    /** Sorted set of live workers, scored by their last heartbeat in epoch milliseconds. */
    public String workers() {
        return own("workers");
    }

    /** Hash of a worker's in-flight lists (in-flight key to queue key), for orphan recovery. */
    public String workerInflight(String worker) {
        return own("worker", worker, "inflight");
    }

    /** A worker's published figures, refreshed with its heartbeat and expiring with it. */
    public String workerStats(String worker) {
        return own("worker", worker, "stats");
    }

    /** Sorted set of client containers, scored by their last heartbeat in epoch milliseconds. */
    public String clients() {
        return own("clients");
    }

    /** Payloads no worker can run, each with its reason. */
    public String deadLetter() {
        return own("deadletter");
    }

    /** Counters that outlive workers (dead letters dropped by the cap, for one). */
    public String counters() {
        return own("counters");
    }

    /** The audit bitmap of one client for one block of {@link AuditBits#BLOCK} sequence numbers. */
    public String audit(String client, long block) {
        return own("audit", client, Long.toString(block));
    }

    /** {@code SCAN} pattern over all audit bitmaps of this queue. */
    public String auditPattern() {
        return own("audit", "*");
    }

    /** Prefix of {@link #audit} keys, to parse them back. */
    public String auditPrefix() {
        return own("audit") + ":";
    }

    private String own(String... parts) {
        String[] all = new String[parts.length + 2];
        all[0] = "hwaas";
        all[1] = queueName;
        System.arraycopy(parts, 0, all, 2, parts.length);
        return JesqueUtils.createKey(namespace, all);
    }
}
