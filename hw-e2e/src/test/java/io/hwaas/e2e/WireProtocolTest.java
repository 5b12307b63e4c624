package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the two services and the releases either side of an upgrade agree on in Redis, the wire
 * protocol, is kept as a numbered record (wire-protocol-N.txt next to this class). Any change to a
 * key, the job's JSON, the audit bits or the client record fails this test until the change is
 * given a new number, docs/delivery.md says what it is compatible with, and UpgradeIT passes from
 * the last release.
 */
class WireProtocolTest {
    /** The protocol this release speaks. */
    static final int CURRENT = 1;

    @Test
    void theProductSpeaksTheRecordedProtocol() throws IOException {
        assertThat(render()).as("the wire protocol as the product writes it, against wire-protocol-%d.txt; if this"
                + " change is meant, record it as wire-protocol-%d.txt, raise CURRENT, say in docs/delivery.md what"
                + " it is compatible with, and keep UpgradeIT passing", CURRENT, CURRENT + 1)
                .isEqualTo(recorded(CURRENT));
        assertThat(getClass().getResource("wire-protocol-" + (CURRENT + 1) + ".txt")).as("a newer protocol recorded"
                + " than CURRENT").isNull();
    }

    @Test
    void aChangeToTheProtocolIsSeen() throws IOException {
        List<String> changed = new ArrayList<>(recorded(CURRENT));
        changed.replaceAll(line -> line.replace("resque:queue:hello", "resque:queue:v2:hello"));
        assertThat(changed).as("a renamed queue key").isNotEqualTo(render());
    }

    @Test
    void theDocsSayWhichProtocolThisReleaseSpeaks() throws IOException {
        assertThat(Files.readString(Repository.root().resolve("docs/delivery.md"))).as("docs/delivery.md")
                .contains("wire protocol " + CURRENT);
    }

    /** The protocol as this release writes it, for namespace resque and queue hello. */
    static List<String> render() {
        Keys keys = new Keys(Hello.DEFAULT_NAMESPACE, Hello.DEFAULT_QUEUE);
        List<String> lines = new ArrayList<>();
        String consumer = Keys.consumer("w", 0);
        lines.add("key queue " + keys.queue());
        lines.add("key queues " + keys.queues());
        lines.add("key jesque-workers " + keys.jesqueWorkers());
        lines.add("key jesque-failed " + keys.jesqueFailed());
        lines.add("key inflight " + keys.inflight(consumer) + " (consumer " + consumer + " of worker w)");
        lines.add("key workers " + keys.workers());
        lines.add("key watcher " + keys.watcher());
        lines.add("key worker-inflight " + keys.workerInflight("w"));
        lines.add("key worker-stats " + keys.workerStats("w"));
        lines.add("key clients " + keys.clients());
        lines.add("key client-record " + keys.clientRecord("c"));
        lines.add("key deadletter " + keys.deadLetter());
        lines.add("key counters " + keys.counters());
        lines.add("key audit " + keys.audit("c-0", AuditBits.block(4097)) + " (sequence number 4097)");
        lines.add("job " + Hello.encode(Hello.MESSAGE, new Hello.Meta("c-0", 4097, 1_767_225_600_000_000L)));
        lines.add("audit-bits " + AuditBits.BLOCK + " hellos a key; bits of 4097: submitted "
                + AuditBits.offset(4097, AuditBits.SUBMITTED) + ", claimed " + AuditBits.offset(4097, AuditBits.CLAIMED)
                + ", printed " + AuditBits.offset(4097, AuditBits.PRINTED) + ", reprinted "
                + AuditBits.offset(4097, AuditBits.REPRINTED));
        lines.add("client-record " + new ClientRecord("c", 2, 1000, 0, ClientRecord.RUNNING, new long[] {5, 6},
                new long[] {4, 6}, true).fields());
        return lines;
    }

    private List<String> recorded(int version) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("wire-protocol-" + version + ".txt")) {
            assertThat(in).as("wire-protocol-%d.txt next to this class", version).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        }
    }
}
