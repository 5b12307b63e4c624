package io.hwaas.client.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
    @TempDir
    Path dir;

    @Test
    void aLedgerLeftBehindIsAdoptedWithEverythingItRecorded() throws Exception {
        Ledger ledger = Ledger.create(dir, "host-abc", 3, 250);
        ledger.slot(0).record(4, 9);
        ledger.slot(2).record(11, 10);
        ledger.close();

        assertThat(Ledger.others(dir, "someone-else")).as("ledgers found").hasSize(1);
        try (Ledger adopted = Ledger.adopt(dir.resolve("host-abc.ledger"))) {
            assertThat(adopted).as("adopted").isNotNull();
            assertThat(adopted.container()).as("container").isEqualTo("host-abc");
            assertThat(adopted.clients()).as("clients").isEqualTo(3);
            assertThat(adopted.intervalMillis()).as("interval").isEqualTo(250);
            assertThat(adopted.slot(0).made()).as("client 0 made").isEqualTo(9);
            assertThat(adopted.slot(0).firstHeld()).as("client 0 first held").isEqualTo(4);
            assertThat(adopted.slot(1).made()).as("client 1 made nothing").isZero();
            assertThat(adopted.slot(1).firstHeld()).as("client 1 holds nothing").isEqualTo(1);
            assertThat(adopted.slot(2).firstHeld()).as("client 2 sent all").isEqualTo(11);
        }
    }

    @Test
    void aLedgerIsDeletedOnceSettled() throws Exception {
        Ledger ledger = Ledger.create(dir, "host-abc", 1, 1000);
        ledger.delete();
        assertThat(Files.exists(dir.resolve("host-abc.ledger"))).as("file after delete").isFalse();
    }

    @Test
    void ownLedgerIsNotAmongTheOthers() throws Exception {
        try (Ledger ledger = Ledger.create(dir, "me", 1, 1000)) {
            assertThat(Ledger.others(dir, "me")).as("others").isEmpty();
        }
    }

    @Test
    void aFileThatIsNoLedgerIsLeftAlone() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.ledger"), "x".repeat(300));
        assertThat(Ledger.adopt(junk)).as("not a ledger").isNull();
        assertThat(Files.exists(junk)).as("left in place").isTrue();
        Path empty = Files.createFile(dir.resolve("empty.ledger"));
        assertThat(Ledger.adopt(empty)).as("empty file").isNull();
    }

    @Test
    void aContainerNameTooLongIsRefused() {
        assertThatThrownBy(() -> Ledger.create(dir, "x".repeat(200), 1, 1000)).as("long name")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
