package io.hwaas.client.send;

import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.time.ServiceClock;
import io.hwaas.runtime.Printable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Taking over the ledgers of client containers that are gone (killed, crashed, or stopped while
 * Redis was away): what they held is re-sent under their own client ids, the audit is told the
 * container's final numbers, and the ledger is deleted. Any client container sharing the ledger
 * directory does it, at start and every few seconds, so nothing waits for the dead one's return.
 */
final class Adoption {
    private static final Logger LOG = LoggerFactory.getLogger(Adoption.class);

    /** A ledger taken over, and the outboxes re-sending what it held. */
    private record Adopted(Ledger ledger, List<Outbox> outboxes) {
    }

    private final Path dir;
    private final String own;
    private final Keys keys;
    private final Duration auditTtl;
    private final ServiceClock clock;
    private final List<Adopted> adopted = new ArrayList<>();
    /** Rejected ledgers already logged, so that one that cannot be renamed is not logged every time. */
    private final Set<String> quarantined = new HashSet<>();

    Adoption(Path dir, String own, Keys keys, Duration auditTtl, ServiceClock clock) {
        this.dir = dir;
        this.own = own;
        this.keys = keys;
        this.auditTtl = auditTtl;
        this.clock = clock;
    }

    /** Adopts every ledger whose owner is gone; returns the outboxes to send from. */
    List<Outbox> adopt() {
        List<Outbox> found = new ArrayList<>();
        List<Path> files;
        try {
            files = Ledger.others(dir, own);
        } catch (IOException e) {
            LOG.warn("Cannot list the ledgers in {}: {}", dir, e.getMessage());
            return found;
        }
        for (Path file : files) {
            if (adopted.stream().anyMatch(a -> a.ledger().container().equals(containerOf(file)))) {
                continue;
            }
            try {
                Ledger ledger = Ledger.adopt(file, clock.millis());
                if (ledger == null) {
                    continue;
                }
                List<Outbox> outboxes = new ArrayList<>();
                long held = 0;
                for (int i = 0; i < ledger.clients(); i++) {
                    String client = ledger.container() + "-" + i;
                    Outbox outbox = Outbox.adopted(client, new HelloWriter(keys, client, auditTtl, clock), ledger.slot(i));
                    outboxes.add(outbox);
                    held += outbox.size();
                }
                adopted.add(new Adopted(ledger, outboxes));
                found.addAll(outboxes);
                LOG.info("Adopted the ledger of client container {}, which is gone: re-sending the {} hello(s) it held",
                        Printable.of(ledger.container()), held);
            } catch (Ledger.Corrupt e) {
                quarantine(file, e);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot adopt the ledger {}: {}", Printable.of(file.toString()), e.getMessage());
            }
        }
        return found;
    }

    /**
     * Sets a ledger that failed a check aside, never adopting it: re-sending absurd numbers would
     * flood Redis, and the audit would believe them. Logged once: renamed, it is not read again.
     */
    private void quarantine(Path file, Ledger.Corrupt e) {
        String name = file.getFileName().toString();
        if (!quarantined.add(name)) {
            return;
        }
        try {
            Path aside = Ledger.quarantine(file);
            LOG.error("Rejected the ledger {}, not adopted, renamed to {}: {}. The hellos it held are not re-sent;"
                    + " the audit reports its container as it last reported", Printable.of(name),
                    Printable.of(aside.getFileName().toString()), Printable.of(e.getMessage()));
        } catch (IOException moving) {
            LOG.error("Rejected the ledger {}, not adopted ({}), and cannot rename it aside: {}", Printable.of(name),
                    Printable.of(e.getMessage()), Printable.of(String.valueOf(moving.getMessage())));
        }
    }

    /**
     * Finishes every adopted ledger that holds nothing any more: reports the dead container's final
     * numbers to the audit, deletes its ledger and stops sending from its outboxes.
     */
    void settle(Jedis jedis, Reports reports, List<Outbox> sending) {
        for (Iterator<Adopted> it = adopted.iterator(); it.hasNext(); ) {
            Adopted a = it.next();
            if (a.outboxes().stream().anyMatch(o -> o.size() > 0)) {
                continue;
            }
            reports.report(jedis, a.ledger().container(), a.ledger().container() + ":" + a.ledger().clients(),
                    a.ledger().intervalMillis(), ClientRecord.ADOPTED, a.outboxes(), true);
            try {
                a.ledger().delete();
            } catch (IOException e) {
                LOG.warn("Cannot delete the adopted ledger of {}: {}", Printable.of(a.ledger().container()), e.getMessage());
            }
            sending.removeAll(a.outboxes());
            it.remove();
            LOG.info("Client container {}'s hellos are all confirmed; its ledger is deleted",
                    Printable.of(a.ledger().container()));
        }
    }

    /** On stop: lets go of ledgers not yet finished, for another container to adopt. */
    void release() {
        for (Adopted a : adopted) {
            try {
                a.ledger().close();
            } catch (IOException e) {
                LOG.debug("Closing an adopted ledger: {}", e.getMessage());
            }
        }
        adopted.clear();
    }

    private static String containerOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".ledger".length());
    }
}
