package io.hwaas.ops.audit;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Keys;
import io.hwaas.ops.Cli;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.ScanParams;
import redis.clients.jedis.ScanResult;

/**
 * Reconciles what each client should have produced with what workers printed. Two sources say
 * what should have been: the hellos' own audit bits (a client's sequence numbers have no gaps, so
 * a missing number below the highest submitted one is a hello made and never sent), and each
 * client container's {@link ClientRecord}, which says how many hellos it has made and how many
 * Redis confirmed. A hello made and neither printed nor waiting (queued, in flight, held by a
 * live client) is lost. Where the audit cannot know, a container that vanished without stopping
 * (it may have held hellos it never reported), or one that stopped holding hellos in its ledger
 * on disk, or a key of the wrong type where a list of jobs should be, it says so with an upper
 * bound and the verdict is {@link Verdict#UNKNOWN}, never OK.
 *
 * <p>It reads in pages and pipelines, and holds per client only compact ranges, so a backlog of
 * millions of hellos or a day of a thousand clients fits in a worker's heap. Candidates are
 * checked again after a pause, so a hello caught between a client's send and a worker's print on
 * a live stack is not reported lost.
 */
public final class Audit {
    /** A container that has not reported for this long, and did not say it stopped, has vanished. */
    static final long VANISHED_AFTER_MILLIS = 15_000;
    private static final int CHUNK = 64;
    private static final int LISTED = 20;

    /** The audit's conclusion. */
    public enum Verdict {
        /** Every hello made is printed or waiting. */
        OK,
        /** Some hello made was certainly not printed and is not waiting anywhere. */
        LOST,
        /** Nothing is certainly lost, but the audit cannot rule it out (see {@link Report#unknown()}). */
        UNKNOWN
    }

    /**
     * The outcome.
     *
     * @param heldByClients hellos made but not yet sent by clients that are running
     * @param atRisk an upper bound on hellos the audit cannot account for: held by containers that
     *     vanished or stopped with a ledger on disk, plus those they may have made unreported
     * @param deadLetteredHellos hellos (with their identity) in the dead-letter list: kept, not printed
     * @param lostIds the first lost hellos, for forensics
     * @param unknown the first containers the audit cannot account for, and why
     */
    public record Report(int clients, long submitted, long printed, long lostUnprinted, long lostNeverSent,
            long duplicates, long inFlight, long queued, long deadLettered, long deadLetteredHellos, long waiting,
            long heldByClients, long atRisk, int unknownContainers, List<String> lostIds, List<String> unknown) {
        /** Hellos lost in total. */
        public long lost() {
            return lostUnprinted + lostNeverSent;
        }

        public Verdict verdict() {
            if (lost() > 0) {
                return Verdict.LOST;
            }
            return atRisk > 0 || unknownContainers > 0 || deadLetteredHellos > 0 ? Verdict.UNKNOWN : Verdict.OK;
        }
    }

    private final Jedis jedis;
    private final Keys keys;
    private final Duration auditTtl;

    public Audit(Jedis jedis, Keys keys, Duration auditTtl) {
        this.jedis = jedis;
        this.keys = keys;
        this.auditTtl = auditTtl;
    }

    /**
     * Audits the hellos of clients started at or after {@code sinceMillis} (0 for all records).
     *
     * @param recheckMillis pause before re-examining lost candidates; 0 to skip the recheck
     */
    public Report run(long sinceMillis, long recheckMillis) throws InterruptedException {
        long now = Cli.redisMillis(jedis);
        Map<String, long[]> blocks = auditBlocks();
        Map<String, ClientRecord> records = clientRecords();
        TreeSet<String> clients = new TreeSet<>(blocks.keySet());
        for (ClientRecord record : records.values()) {
            for (int i = 0; i < record.clients(); i++) {
                clients.add(record.client(i));
            }
        }
        if (sinceMillis > 0) {
            clients.removeIf(client -> ClientIds.startMillis(client) < sinceMillis);
        }
        Pending pending = Pending.read(jedis, keys);
        Tally tally = new Tally();
        Map<String, Candidates> candidates = new TreeMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (String client : clients) {
            String container = ClientIds.container(client);
            ClientRecord record = container == null ? null : records.get(container);
            if (record != null && ClientIds.index(client) >= record.clients()) {
                // Read from Redis, so possibly hostile: a record too short for this id is not believed.
                unknown.add(keys.clientRecord(container) + ": lists " + record.clients() + " logical client(s), yet "
                        + client + " has hellos; a bad record, not believed: " + client + " audited up to its last"
                        + " hello submitted");
                record = null;
            }
            auditClient(client, blocks.getOrDefault(client, new long[0]), record, now, pending, tally, candidates, unknown);
        }

        if (!candidates.isEmpty() && recheckMillis > 0) {
            Thread.sleep(recheckMillis);
            pending = Pending.read(jedis, keys);
            recheck(candidates, pending, tally);
        }
        List<String> lostIds = new ArrayList<>();
        for (Map.Entry<String, Candidates> client : candidates.entrySet()) {
            Candidates lost = client.getValue();
            tally.lostUnprinted += lost.submitted.count();
            tally.lostNeverSent += lost.neverSent.count();
            for (boolean submitted : new boolean[] {true, false}) {
                long[] ranges = (submitted ? lost.submitted : lost.neverSent).ranges();
                for (int r = 0; r < ranges.length && lostIds.size() < LISTED; r += 2) {
                    lostIds.add(client.getKey() + ":" + ranges[r] + (ranges[r + 1] > ranges[r] ? ".." + ranges[r + 1] : "")
                            + (submitted ? "" : " (never sent)"));
                }
            }
        }
        // A key that may hold hellos and cannot be read: never OK.
        unknown.addAll(pending.unreadable);
        return new Report(clients.size(), tally.submitted, tally.printed, tally.lostUnprinted, tally.lostNeverSent,
                tally.duplicates, pending.inFlight, pending.queued, pending.deadLettered, tally.deadLetteredHellos,
                tally.waiting, tally.held, tally.atRisk, unknown.size(), lostIds,
                unknown.stream().limit(LISTED).toList());
    }

    /** What one pass counted. */
    private static final class Tally {
        long submitted;
        long printed;
        long duplicates;
        long waiting;
        long deadLetteredHellos;
        long held;
        long atRisk;
        long lostUnprinted;
        long lostNeverSent;

        /**
         * Counts a hello that is printed, waiting or dead-lettered, and says whether it was one of
         * them; {@code countSubmitted} counts its submitted bit too (a first look at it).
         */
        boolean accounted(int flags, boolean countSubmitted, Pending pending, String client, long seq) {
            if (countSubmitted && AuditBits.has(flags, AuditBits.SUBMITTED)) {
                submitted++;
            }
            if (AuditBits.has(flags, AuditBits.PRINTED)) {
                printed++;
                if (AuditBits.has(flags, AuditBits.REPRINTED)) {
                    duplicates++;
                }
            } else if (pending.contains(client, seq)) {
                waiting++;
            } else if (pending.deadLettered(client, seq)) {
                deadLetteredHellos++;
            } else {
                return false;
            }
            return true;
        }
    }

    /** Hellos that look lost, set apart by whether Redis ever had them; only the recheck's view is final. */
    private static final class Candidates {
        final SeqRanges submitted = new SeqRanges();
        final SeqRanges neverSent = new SeqRanges();

        void add(long seq, boolean wasSubmitted) {
            (wasSubmitted ? submitted : neverSent).add(seq);
        }

        boolean isEmpty() {
            return submitted.count() == 0 && neverSent.count() == 0;
        }
    }

    private void auditClient(String client, long[] present, ClientRecord record, long now, Pending pending, Tally tally,
            Map<String, Candidates> candidates, TreeSet<String> unknown) {
        int index = ClientIds.index(client);
        long ticks = record == null ? 0 : record.ticks()[index];
        long sent = record == null ? Long.MAX_VALUE : record.sent()[index];
        boolean running = record != null && ClientRecord.RUNNING.equals(record.state());
        boolean live = running && now - record.seenMillis() <= VANISHED_AFTER_MILLIS;
        boolean vanished = running && !live;
        boolean heldOnDisk = record != null && ClientRecord.STOPPED.equals(record.state()) && record.ledger();

        long started = ClientIds.startMillis(client);
        ticks = boundedTicks(client, ticks, started, record, now, unknown);
        long expected = Math.max(maxSubmitted(client, present), ticks);
        // A client that started within the TTL still has all its blocks; an older one's first blocks
        // may have expired, so its audit starts at its oldest block on record.
        long first = present.length == 0 || (started > 0 && now - started < auditTtl.toMillis())
                ? 1 : Math.max(1, present[0] * AuditBits.BLOCK);

        Candidates lost = new Candidates();
        Map<Long, byte[]> window = Map.of();
        int nextToFetch = 0;
        for (long block = AuditBits.block(first); block <= AuditBits.block(expected); block++) {
            if (nextToFetch < present.length && present[nextToFetch] <= block) {
                // Blocks in chunks, so a client with a long history never sits in memory whole.
                int to = Math.min(present.length, nextToFetch + CHUNK);
                window = fetch(client, present, nextToFetch, to);
                nextToFetch = to;
            }
            // A block with no key at all is a gap too: a client's overflow can span whole blocks.
            byte[] bitmap = window.get(block);
            long high = Math.min(expected, (block + 1) * AuditBits.BLOCK - 1);
            for (long seq = Math.max(first, block * AuditBits.BLOCK); seq <= high; seq++) {
                int flags = bitmap == null ? 0 : AuditBits.flags(bitmap, seq);
                if (tally.accounted(flags, true, pending, client, seq)) {
                    continue;
                }
                if (seq > sent && live) {
                    tally.held++;
                } else if (seq > sent && (vanished || heldOnDisk)) {
                    tally.atRisk++;
                } else {
                    lost.add(seq, AuditBits.has(flags, AuditBits.SUBMITTED));
                }
            }
        }
        if (vanished) {
            // It may have kept ticking after its last report, unable to reach Redis, before it died.
            long unreported = Math.max(0, (now - record.seenMillis()) / Math.max(1, record.intervalMillis()));
            tally.atRisk += unreported;
            unknown.add(record.container() + ": vanished " + (now - record.seenMillis()) / 1000
                    + " s ago without stopping; hellos after its last report are unknown (up to " + unreported
                    + " per logical client)" + (record.ledger() ? "; a client container started on its host re-sends"
                            + " what its ledger kept" : ""));
        } else if (heldOnDisk && ticks > sent) {
            unknown.add(record.container() + ": stopped holding hellos, kept in its ledger on disk; a client container"
                    + " started on its host re-sends them");
        }
        if (!lost.isEmpty()) {
            candidates.put(client, lost);
        }
    }

    /** Clock skew between a client's host (its id's start time) and Redis allowed by {@link #boundedTicks}. */
    private static final long TICKS_SLACK_MILLIS = 3_600_000;

    /**
     * A record is read from Redis, so it may be hostile or corrupted: a client makes at most one
     * hello per interval since it started (an hour of clock skew allowed). A count beyond that is
     * not believed: the client is audited up to its last hello submitted, and reported UNKNOWN.
     */
    private static long boundedTicks(String client, long ticks, long started, ClientRecord record, long now,
            TreeSet<String> unknown) {
        if (record == null || started <= 0) {
            return ticks;
        }
        long bound = Math.max(0, now + TICKS_SLACK_MILLIS - started) / Math.max(1, record.intervalMillis()) + 1;
        if (ticks <= bound) {
            return ticks;
        }
        unknown.add(client + ": its record claims " + ticks + " hello(s) made, more than one per interval since it"
                + " started allows (" + bound + "); not believed, audited up to its last hello submitted");
        return 0;
    }

    /** Looks at the candidates again, with fresh bits and a fresh view of what is waiting. */
    private void recheck(Map<String, Candidates> candidates, Pending pending, Tally tally) {
        for (Map.Entry<String, Candidates> entry : List.copyOf(candidates.entrySet())) {
            String client = entry.getKey();
            Map<Long, byte[]> bitmaps = new HashMap<>();
            Candidates still = new Candidates();
            for (boolean wasSubmitted : new boolean[] {true, false}) {
                long[] ranges = (wasSubmitted ? entry.getValue().submitted : entry.getValue().neverSent).ranges();
                for (int r = 0; r < ranges.length; r += 2) {
                    for (long seq = ranges[r]; seq <= ranges[r + 1]; seq++) {
                        byte[] bitmap = bitmaps.computeIfAbsent(AuditBits.block(seq), b -> {
                            byte[] value = jedis.get(keys.audit(client, b).getBytes(StandardCharsets.UTF_8));
                            return value == null ? new byte[0] : value;
                        });
                        int flags = AuditBits.flags(bitmap, seq);
                        // Sent meanwhile: its submitted bit was not counted on the first look.
                        if (!tally.accounted(flags, !wasSubmitted, pending, client, seq)) {
                            still.add(seq, AuditBits.has(flags, AuditBits.SUBMITTED));
                        }
                    }
                }
            }
            if (still.isEmpty()) {
                candidates.remove(client);
            } else {
                candidates.put(client, still);
            }
        }
    }

    private long maxSubmitted(String client, long[] present) {
        for (int i = present.length - 1; i >= 0; i--) {
            byte[] bitmap = jedis.get(keys.audit(client, present[i]).getBytes(StandardCharsets.UTF_8));
            if (bitmap == null) {
                continue;
            }
            long base = present[i] * AuditBits.BLOCK;
            for (long seq = base + AuditBits.BLOCK - 1; seq >= Math.max(1, base); seq--) {
                if (AuditBits.has(AuditBits.flags(bitmap, seq), AuditBits.SUBMITTED)) {
                    return seq;
                }
            }
        }
        return 0;
    }

    private Map<Long, byte[]> fetch(String client, long[] present, int from, int to) {
        Map<Long, byte[]> bitmaps = new HashMap<>();
        if (from >= to) {
            return bitmaps;
        }
        Pipeline pipeline = jedis.pipelined();
        List<Response<byte[]>> replies = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            replies.add(pipeline.get(keys.audit(client, present[i]).getBytes(StandardCharsets.UTF_8)));
        }
        pipeline.sync();
        for (int i = from; i < to; i++) {
            byte[] bitmap = replies.get(i - from).get();
            if (bitmap != null) {
                bitmaps.put(present[i], bitmap);
            }
        }
        return bitmaps;
    }

    /** Every client with audit bitmaps, and its blocks in ascending order. */
    private Map<String, long[]> auditBlocks() {
        Map<String, long[]> blocks = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        String prefix = keys.auditPrefix();
        scan(keys.auditPattern(), key -> {
            String rest = key.substring(prefix.length());
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                return;
            }
            long block;
            try {
                block = Long.parseLong(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                return;
            }
            String client = rest.substring(0, colon);
            long[] list = blocks.computeIfAbsent(client, c -> new long[4]);
            int n = counts.merge(client, 1, Integer::sum);
            if (n > list.length) {
                list = Arrays.copyOf(list, list.length * 2);
                blocks.put(client, list);
            }
            list[n - 1] = block;
        });
        Map<String, long[]> sorted = new HashMap<>();
        blocks.forEach((client, list) -> {
            long[] exact = Arrays.copyOf(list, counts.get(client));
            Arrays.sort(exact);
            sorted.put(client, exact);
        });
        return sorted;
    }

    /** Every client container's record. */
    private Map<String, ClientRecord> clientRecords() {
        List<String> found = new ArrayList<>();
        scan(keys.clientRecordPattern(), found::add);
        Map<String, ClientRecord> records = new HashMap<>();
        String prefix = keys.clientRecordPrefix();
        for (int from = 0; from < found.size(); from += CHUNK) {
            List<String> chunk = found.subList(from, Math.min(found.size(), from + CHUNK));
            Pipeline pipeline = jedis.pipelined();
            List<Response<Map<String, String>>> replies = new ArrayList<>();
            for (String key : chunk) {
                replies.add(pipeline.hgetAll(key));
            }
            pipeline.sync();
            for (int i = 0; i < chunk.size(); i++) {
                String container = chunk.get(i).substring(prefix.length());
                ClientRecord record = ClientRecord.parse(container, replies.get(i).get());
                if (record != null) {
                    records.put(container, record);
                }
            }
        }
        return records;
    }

    private void scan(String pattern, java.util.function.Consumer<String> each) {
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            page.getResult().forEach(each);
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }
}
