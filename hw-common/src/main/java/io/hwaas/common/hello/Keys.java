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

    /** Jesque's list of failed jobs (which HWaaS workers never write, but a plain Jesque worker may). */
    public String jesqueFailed() {
        return JesqueUtils.createKey(namespace, "failed");
    }

    /** The in-flight list of one consumer, in Jesque's {@code inflight:<worker>:<queue>} form. */
    public String inflight(String consumer) {
        return JesqueUtils.createKey(namespace, "inflight", consumer, queueName);
    }

    /** {@code SCAN} pattern matching every consumer's in-flight list of this queue. */
    public String inflightPattern() {
        return inflight("*");
    }

    /** The consumer whose in-flight list {@code key} is, or {@code null} when it is no such list. */
    public String consumerOf(String key) {
        String prefix = JesqueUtils.createKey(namespace, "inflight") + ":";
        String suffix = ":" + queueName;
        if (!key.startsWith(prefix) || !key.endsWith(suffix) || key.length() <= prefix.length() + suffix.length()) {
            return null;
        }
        return key.substring(prefix.length(), key.length() - suffix.length());
    }

    /** The name of consumer thread {@code index} of {@code worker}. */
    public static String consumer(String worker, int index) {
        return worker + "." + index;
    }

    /** The worker a consumer made by {@link #consumer} belongs to, or {@code null} for another naming. */
    public static String workerOf(String consumer) {
        int dot = consumer.lastIndexOf('.');
        return dot > 0 && dot < consumer.length() - 1 && consumer.substring(dot + 1).chars().allMatch(Character::isDigit)
                ? consumer.substring(0, dot) : null;
    }

    /** Sorted set of live workers, scored by their last heartbeat in epoch milliseconds. */
    public String workers() {
        return own("workers");
    }

    /**
     * The deployment's watch: the name of the one worker that blocks in {@code BLMOVE} on the
     * queue (prefixed {@code offer:} while it offers the watch on), expiring unless renewed; the
     * others look for work once a second.
     */
    public String watcher() {
        return own("watcher");
    }

    /** Hash of a worker's in-flight lists (in-flight key to queue key), for orphan recovery. */
    public String workerInflight(String worker) {
        return own("worker", worker, "inflight");
    }

    /**
     * The prefix and suffix around a worker's name in {@link #workerInflight}, for scripts that
     * derive the key from names they find in Redis.
     */
    public String[] workerInflightParts() {
        String sample = workerInflight("\u0000");
        int at = sample.indexOf('\u0000');
        return new String[] {sample.substring(0, at), sample.substring(at + 1)};
    }

    /** A worker's published figures, refreshed with its heartbeat and expiring with it. */
    public String workerStats(String worker) {
        return own("worker", worker, "stats");
    }

    /** Sorted set of client containers, scored by their last heartbeat in Redis' epoch milliseconds. */
    public String clients() {
        return own("clients");
    }

    /**
     * What one client container reports with its heartbeat, for the audit: its logical clients,
     * interval, ticks and sends, when it was last seen, and whether it stopped (see
     * {@link ClientRecord}).
     */
    public String clientRecord(String container) {
        return own("client", container);
    }

    /** {@code SCAN} pattern over every client container's record. */
    public String clientRecordPattern() {
        return own("client", "*");
    }

    /** Prefix of {@link #clientRecord} keys, to parse them back. */
    public String clientRecordPrefix() {
        return own("client") + ":";
    }

    /** Payloads no worker can run, each with its reason. */
    public String deadLetter() {
        return own("deadletter");
    }

    /** Counters that outlive workers: the dead-letter list's bytes, and entries dropped by its caps. */
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

    /** The keys operators and scripts look at, by a short name (what {@code hw-worker keys} prints). */
    public java.util.Map<String, String> named() {
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        named.put("queue", queue());
        named.put("inflight", inflightPattern());
        named.put("deadletter", deadLetter());
        named.put("workers", workers());
        named.put("clients", clients());
        named.put("audit", auditPattern());
        named.put("failed", jesqueFailed());
        return named;
    }

    private String own(String... parts) {
        String[] all = new String[parts.length + 2];
        all[0] = "hwaas";
        all[1] = queueName;
        System.arraycopy(parts, 0, all, 2, parts.length);
        return JesqueUtils.createKey(namespace, all);
    }
}
