package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientRecordTest {

    @Test
    void aRecordReadsBackAsWritten() {
        ClientRecord record = new ClientRecord("host-abc", 3, 1000, 0, ClientRecord.RUNNING, new long[] {5, 6, 7},
                new long[] {5, 4, 7}, true);
        Map<String, String> hash = new HashMap<>(record.fields());
        hash.put("seen", "1234");
        ClientRecord read = ClientRecord.parse("host-abc", hash);
        assertThat(read.clients()).as("clients").isEqualTo(3);
        assertThat(read.ticks()).as("ticks").containsExactly(5, 6, 7);
        assertThat(read.sent()).as("sent").containsExactly(5, 4, 7);
        assertThat(read.seenMillis()).as("seen").isEqualTo(1234);
        assertThat(read.ledger()).as("ledger").isTrue();
        assertThat(read.client(2)).as("third client's id").isEqualTo("host-abc-2");
    }

    @Test
    void somethingElseIsNoRecord() {
        assertThat(ClientRecord.parse("x", Map.of())).as("empty hash").isNull();
        assertThat(ClientRecord.parse("x", Map.of("clients", "2", "interval", "1000", "ticks", "1", "sent", "1")))
                .as("fewer ticks than clients").isNull();
        assertThat(ClientRecord.parse("x", Map.of("clients", "one", "interval", "1000", "ticks", "1", "sent", "1")))
                .as("not a number").isNull();
    }
}
