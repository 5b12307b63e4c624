package io.hwaas.client.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.hello.Names;
import io.hwaas.common.time.ServiceClock;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LedgerTest {
    private static final long NOW = System.currentTimeMillis();
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void aLedgerLeftBehindIsAdoptedWithEverythingItRecorded() throws Exception {
        Ledger ledger = Ledger.create(dir, "host-abc", 3, 250, NOW - 60_000, 3600);
        ledger.slot(0).record(4, 9);
        ledger.slot(2).record(11, 10);
        ledger.close();

        assertThat(Ledger.others(dir, "someone-else")).as("ledgers found").hasSize(1);
        try (Ledger adopted = Ledger.adopt(dir.resolve("host-abc.ledger"), NOW)) {
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
        Ledger ledger = Ledger.create(dir, "host-abc", 1, 1000, NOW, 3600);
        ledger.delete();
        assertThat(Files.exists(dir.resolve("host-abc.ledger"))).as("file after delete").isFalse();
    }

    @Test
    void ownLedgerIsNotAmongTheOthers() throws Exception {
        try (Ledger ledger = Ledger.create(dir, "me", 1, 1000, NOW, 3600)) {
            assertThat(Ledger.others(dir, "me")).as("others").isEmpty();
        }
    }

    @Test
    void aFileNotYetWrittenIsLeftAlone() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.ledger"));
        assertThat(Ledger.adopt(empty, NOW)).as("empty file: its owner has not locked it yet").isNull();
        assertThat(Files.exists(empty)).as("left in place").isTrue();
    }

    @Test
    void aContainerNameTooLongIsRefused() {
        assertThatThrownBy(() -> Ledger.create(dir, "x".repeat(80), 1, 1000, NOW, 3600)).as("long name")
                .isInstanceOf(IllegalArgumentException.class);
    }

    // Broken fixtures: one per rule. Each is a ledger as a client writes it, then damaged.

    /** A closed ledger of one client started {@code age} ago, at one hello a second, buffer 3600. */
    private Path ledger(long age, long firstHeld, long made) throws Exception {
        Ledger ledger = Ledger.create(dir, "host-abc", 1, 1000, NOW - age, 3600);
        ledger.slot(0).record(firstHeld, made);
        ledger.close();
        return dir.resolve("host-abc.ledger");
    }

    private static void write(Path file, long offset, ByteBuffer bytes) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(bytes, offset);
        }
    }

    private static void rejected(Path file, String field) {
        assertThatThrownBy(() -> Ledger.adopt(file, NOW)).as("adopting " + file.getFileName())
                .isInstanceOf(Ledger.Corrupt.class).hasMessageContaining(field);
    }

    @Test
    void aSoundLedgerOfADayIsAdopted() throws Exception {
        Path file = ledger(DAY, 84_000, 86_000);
        try (Ledger adopted = Ledger.adopt(file, NOW)) {
            assertThat(adopted.slot(0).made()).as("a day at one a second, 2001 held").isEqualTo(86_000);
        }
    }

    @Test
    void aTruncatedLedgerIsRejected() throws Exception {
        Path file = ledger(60_000, 1, 10);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(128 + 8);
        }
        rejected(file, "size");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(60);
        }
        rejected(file, "size");
    }

    @Test
    void anAbsurdCountIsRejected() throws Exception {
        // A made count the ten days since the start allow, but held from 1: far beyond the buffer of 3600.
        rejected(ledger(10 * DAY, 1, 500_000), "client 0 first held");
        Files.delete(dir.resolve("host-abc.ledger"));
        rejected(ledger(60_000, 12, 10), "client 0 first held");
    }

    @Test
    void anAbsurdSequenceNumberIsRejected() throws Exception {
        // A minute since the start at one a second: not 10^12 made.
        rejected(ledger(60_000, 1_000_000_000_000L - 5, 1_000_000_000_000L), "client 0 made");
        Files.delete(dir.resolve("host-abc.ledger"));
        rejected(ledger(60_000, 1, -3), "client 0 made");
    }

    @Test
    void aHeaderThatDoesNotMatchItsChecksumIsRejected() throws Exception {
        Path file = ledger(60_000, 1, 10);
        write(file, 16, ByteBuffer.allocate(8).putLong(0, 1)); // the interval: 1000 ms becomes 1 ms
        rejected(file, "header checksum");
    }

    @Test
    void aFileThatIsNoLedgerIsRejected() throws Exception {
        rejected(Files.writeString(dir.resolve("junk.ledger"), "x".repeat(300)), "magic");
    }

    /** A version 1 ledger, as releases before the checksum wrote it. */
    private Path version1(String container, int clients, long interval, long firstHeld, long made) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(128 + 16); // one slot, whatever the header says
        byte[] name = container.getBytes(StandardCharsets.US_ASCII);
        b.putLong(0, 0x4857_4C45_4447_5231L).putInt(8, 1).putInt(12, clients).putLong(16, interval)
                .putShort(24, (short) name.length).put(26, name).putLong(128, made).putLong(136, firstHeld);
        return Files.write(dir.resolve(container + ".ledger"), b.array());
    }

    @Test
    void aVersion1LedgerIsStillAdopted() throws Exception {
        String container = Names.startedName("old-host", NOW - DAY);
        try (Ledger adopted = Ledger.adopt(version1(container, 1, 1000, 70_000, 80_000), NOW)) {
            assertThat(adopted.container()).as("container").isEqualTo(container);
            assertThat(adopted.slot(0).made()).as("made").isEqualTo(80_000);
        }
    }

    @Test
    void aVersion1LedgerIsCheckedFieldByField() throws Exception {
        String minute = Names.startedName("h", NOW - 60_000);
        rejected(version1(minute, 1, 1000, 1_000_000_000_000L, 1_000_000_000_000L), "client 0 made");
        rejected(version1(Names.startedName("h1", NOW), 2_000_000_000, 1000, 1, 1), "clients");
        rejected(version1(Names.startedName("h2", NOW), 1, 0, 1, 1), "interval");
        rejected(version1("no-start-time", 1, 1000, 1, 1), "start time");
        rejected(version1(Names.startedName("h3", NOW + 30 * DAY), 1, 1000, 1, 1), "start time");
        Path renamed = version1(Names.startedName("h4", NOW), 1, 1000, 1, 1);
        rejected(Files.move(renamed, dir.resolve("other.ledger")), "container name");
    }

    @Test
    void aRejectedLedgerIsSetAsideAndNeverAdopted() throws Exception {
        Path file = ledger(60_000, 1, 1_000_000_000_000L);
        Adoption adoption = new Adoption(dir, "me", new Keys("resque", "hello"), Duration.ofHours(24),
                ServiceClock.system());
        Logger logger = (Logger) LoggerFactory.getLogger(Adoption.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            assertThat(adoption.adopt()).as("outboxes adopted").isEmpty();
            assertThat(adoption.adopt()).as("outboxes adopted on the next look").isEmpty();
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).as("logged once, naming the file and the field").singleElement().satisfies(e -> {
            assertThat(e.getLevel()).as("level").isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).as("message").contains("host-abc.ledger", "client 0 made",
                    "host-abc.ledger.bad");
        });
        assertThat(Files.exists(file)).as("the ledger, renamed").isFalse();
        assertThat(Files.readAllBytes(dir.resolve("host-abc.ledger.bad"))).as("set aside, whole").hasSize(128 + 16);
        assertThat(Ledger.others(dir, "me")).as("ledgers left to adopt").isEmpty();
    }
}
