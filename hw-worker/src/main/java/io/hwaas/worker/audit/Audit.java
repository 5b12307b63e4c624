package io.hwaas.worker.audit;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.worker.consume.DeadLetters;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;

/**
 * Reconciles what clients submitted with what workers printed, from the audit bitmaps in Redis.
 * A hello that is neither printed nor waiting (queued, in flight, dead-lettered) is lost; so is a
 * gap in a client's sequence, which only a client's buffer overflow leaves. Candidates are
 * checked again after a pause, so a hello caught between a client's send and a worker's print
 * on a live stack is not reported lost.
 */
public final class Audit {
    private static final int PAGE = 10_000;

    private final Jedis jedis;
    private final Keys keys;
    private final JobDecoder decoder = new JobDecoder(Integer.MAX_VALUE, Integer.MAX_VALUE);

    /** The outcome. {@code lostIds} holds at most the first 20 lost hellos, for forensics. */
    public record Report(int clients, long submitted, long printed, long lostUnprinted, long lostDropped,
            long duplicates, long inFlight, long queued, long deadLettered, long waiting, List<String> lostIds) {
        /** Hellos lost in total. */
        public long lost() {
            return lostUnprinted + lostDropped;
        }
    }

    public Audit(Jedis jedis, Keys keys) {
        this.jedis = jedis;
        this.keys = keys;
    }

    /**
     * Audits the hellos of clients started at or after {@code sinceMillis} (0 for all records).
     *
     * @param recheckMillis pause before re-examining lost candidates; 0 to skip the recheck
     */
    public Report run(long sinceMillis, long recheckMillis) throws InterruptedException {
        Map<String, List<Long>> blocksByClient = auditBlocks(sinceMillis);
        Pending pending = pending();

        long submitted = 0;
        long printed = 0;
        long duplicates = 0;
        long waiting = 0;
        List<long[]> candidates = new ArrayList<>();
        List<String> candidateClients = new ArrayList<>();
        for (Map.Entry<String, List<Long>> client : blocksByClient.entrySet()) {
            Map<Long, byte[]> bitmaps = new TreeMap<>();
            for (long block : client.getValue()) {
                byte[] bitmap = jedis.get(keys.audit(client.getKey(), block).getBytes(StandardCharsets.UTF_8));
                if (bitmap != null) {
                    bitmaps.put(block, bitmap);
                }
            }
            long maxSeq = maxSubmitted(bitmaps);
            for (Map.Entry<Long, byte[]> block : bitmaps.entrySet()) {
                long first = Math.max(1, block.getKey() * AuditBits.BLOCK);
                long last = Math.min(maxSeq, (block.getKey() + 1) * AuditBits.BLOCK - 1);
                for (long seq = first; seq <= last; seq++) {
                    int flags = AuditBits.flags(block.getValue(), seq);
                    boolean wasSubmitted = (flags & 1 << AuditBits.SUBMITTED) != 0;
                    if (wasSubmitted) {
                        submitted++;
                    }
                    if ((flags & 1 << AuditBits.PRINTED) != 0) {
                        printed++;
                        if ((flags & 1 << AuditBits.REPRINTED) != 0) {
                            duplicates++;
                        }
                    } else if (pending.contains(client.getKey(), seq)) {
                        waiting++;
                    } else {
                        candidates.add(new long[] {seq, wasSubmitted ? 1 : 0});
                        candidateClients.add(client.getKey());
                    }
                }
            }
        }

        if (!candidates.isEmpty() && recheckMillis > 0) {
            Thread.sleep(recheckMillis);
            pending = pending();
        }
        long lostUnprinted = 0;
        long lostDropped = 0;
        List<String> lostIds = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            String client = candidateClients.get(i);
            long seq = candidates.get(i)[0];
            boolean wasSubmitted = candidates.get(i)[1] == 1;
            if (recheckMillis > 0) {
                String key = keys.audit(client, AuditBits.block(seq));
                if (pending.contains(client, seq)) {
                    waiting++;
                    continue;
                }
                if (Boolean.TRUE.equals(jedis.getbit(key, AuditBits.offset(seq, AuditBits.PRINTED)))) {
                    printed++;
                    continue;
                }
                wasSubmitted |= Boolean.TRUE.equals(jedis.getbit(key, AuditBits.offset(seq, AuditBits.SUBMITTED)));
            }
            if (wasSubmitted) {
                lostUnprinted++;
            } else {
                lostDropped++;
            }
            if (lostIds.size() < 20) {
                lostIds.add(client + ":" + seq + (wasSubmitted ? "" : " (never sent: client buffer overflow)"));
            }
        }
        return new Report(blocksByClient.size(), submitted, printed, lostUnprinted, lostDropped, duplicates,
                pending.inFlight, pending.queued, pending.deadLettered, waiting, lostIds);
    }

    private Map<String, List<Long>> auditBlocks(long sinceMillis) {
        Map<String, List<Long>> blocks = new HashMap<>();
        String prefix = keys.auditPrefix();
        for (String key : scan(keys.auditPattern())) {
            String rest = key.substring(prefix.length());
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            String client = rest.substring(0, colon);
            long block;
            try {
                block = Long.parseLong(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            if (sinceMillis > 0 && ClientIds.startMillis(client) < sinceMillis) {
                continue;
            }
            blocks.computeIfAbsent(client, c -> new ArrayList<>()).add(block);
        }
        return blocks;
    }

    private static long maxSubmitted(Map<Long, byte[]> bitmaps) {
        long max = 0;
        for (Map.Entry<Long, byte[]> block : bitmaps.entrySet()) {
            long base = block.getKey() * AuditBits.BLOCK;
            for (long seq = base + AuditBits.BLOCK - 1; seq >= Math.max(1, base); seq--) {
                if ((AuditBits.flags(block.getValue(), seq) & 1 << AuditBits.SUBMITTED) != 0) {
                    max = Math.max(max, seq);
                    break;
                }
            }
        }
        return max;
    }

    /** Hellos still waiting somewhere: in the queue, in an in-flight list or dead-lettered. */
    private static final class Pending {
        final Map<String, Set<Long>> seqs = new HashMap<>();
        long queued;
        long inFlight;
        long deadLettered;

        boolean contains(String client, long seq) {
            Set<Long> s = seqs.get(client);
            return s != null && s.contains(seq);
        }

        void add(Hello.Meta meta) {
            seqs.computeIfAbsent(meta.client(), c -> new HashSet<>()).add(meta.seq());
        }
    }

    private Pending pending() {
        Pending pending = new Pending();
        // In-flight first: a job moving from queue to in-flight meanwhile is then seen in the queue.
        for (String inflight : scan(keys.inflight("*"))) {
            pending.inFlight += collect(inflight, pending, false);
        }
        pending.queued = collect(keys.queue(), pending, false);
        pending.deadLettered = collect(keys.deadLetter(), pending, true);
        return pending;
    }

    private long collect(String list, Pending pending, boolean deadLetterEntries) {
        long count = 0;
        for (long start = 0; ; start += PAGE) {
            List<String> page = jedis.lrange(list, start, start + PAGE - 1);
            for (String item : page) {
                String payload = deadLetterEntries ? DeadLetters.payloadOf(item) : item;
                if (payload != null && decoder.decode(payload) instanceof Decoded.Runnable runnable
                        && runnable.meta() != null) {
                    pending.add(runnable.meta());
                }
            }
            count += page.size();
            if (page.size() < PAGE) {
                return count;
            }
        }
    }

    private List<String> scan(String pattern) {
        List<String> found = new ArrayList<>();
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            found.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return found;
    }
}
