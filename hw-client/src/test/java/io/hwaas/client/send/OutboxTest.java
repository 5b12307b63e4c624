package io.hwaas.client.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.time.ServiceClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

    private static Outbox outbox(int capacity) {
        return new Outbox("c-1", capacity, new HelloWriter(new Keys("resque", "hello"), "c-1", Duration.ofHours(24),
                ServiceClock.system()), null);
    }

    /** Confirms the {@code n} oldest, as a round trip that sent them. */
    private static void remove(Outbox outbox, long n) {
        outbox.confirm(outbox.peek(Integer.MAX_VALUE)[0], n);
    }

    @Test
    void sequenceNumbersStartAtOneWithoutGaps() {
        Outbox outbox = outbox(100);
        for (int i = 0; i < 10; i++) {
            assertThat(outbox.add().count()).as("nothing dropped below capacity").isZero();
        }
        assertThat(outbox.peek(100)).as("1..10: first 1, ten of them").containsExactly(1, 10);
        assertThat(outbox.made()).as("made").isEqualTo(10);
        assertThat(outbox.client()).as("client").isEqualTo("c-1");
    }

    @Test
    void sequenceNumbersContinueAfterRemoval() {
        Outbox outbox = outbox(100);
        outbox.add();
        outbox.add();
        remove(outbox, 2);
        outbox.add();
        assertThat(outbox.peek(10)).as("numbering is not reset when emptied").containsExactly(3, 1);
        assertThat(outbox.settled()).as("settled").isEqualTo(2);
    }

    @Test
    void peekDoesNotRemove() {
        Outbox outbox = outbox(100);
        outbox.add();
        outbox.add();
        outbox.add();
        assertThat(outbox.peek(2)).as("oldest two").containsExactly(1, 2);
        assertThat(outbox.peek(2)).as("again the same").containsExactly(1, 2);
        assertThat(outbox.size()).as("size").isEqualTo(3);
        assertThat(outbox.peek(0)).as("peek 0").containsExactly(1, 0);
        assertThat(outbox.peek(50)).as("more than held").containsExactly(1, 3);
    }

    @Test
    void peekOfAnEmptyOutbox() {
        assertThat(outbox(10).peek(5)).as("empty").containsExactly(1, 0);
    }

    @Test
    void removeForgetsTheOldest() {
        Outbox outbox = outbox(100);
        for (int i = 0; i < 5; i++) {
            outbox.add();
        }
        remove(outbox, 2);
        assertThat(outbox.peek(10)).as("3..5 left").containsExactly(3, 3);
        remove(outbox, 10);
        assertThat(outbox.size()).as("removing more than held empties it").isZero();
        remove(outbox, 1);
        assertThat(outbox.size()).as("removing from empty is harmless").isZero();
        assertThat(outbox.settled()).as("settled = made").isEqualTo(5);
    }

    @Test
    void overflowDropsTheOldestAndKeepsCapacity() {
        Outbox outbox = outbox(3);
        outbox.add();
        outbox.add();
        outbox.add();
        assertThat(outbox.add()).as("the oldest is dropped").isEqualTo(new Outbox.Drop(1, 1));
        assertThat(outbox.size()).as("still at capacity").isEqualTo(3);
        assertThat(outbox.peek(10)).as("newest three kept").containsExactly(2, 3);
        assertThat(outbox.add()).as("next drop").isEqualTo(new Outbox.Drop(2, 1));
        assertThat(outbox.peek(10)).as("no gap among the kept").containsExactly(3, 3);
        assertThat(outbox.settled()).as("dropped hellos are settled, not held").isEqualTo(2);
    }

    @Test
    void capacityOfOne() {
        Outbox outbox = outbox(1);
        assertThat(outbox.add().count()).as("first fits").isZero();
        assertThat(outbox.add()).as("second drops the first").isEqualTo(new Outbox.Drop(1, 1));
        assertThat(outbox.peek(10)).as("only the newest").containsExactly(2, 1);
    }

    @Test
    void anHourOfAThousandClientsTakesNoMemoryToHold() {
        // Held hellos are a range: a full hour's buffer is two numbers, however large.
        Outbox outbox = outbox(10_000_000);
        for (int i = 0; i < 3_600_000; i++) {
            outbox.add();
        }
        assertThat(outbox.size()).as("held").isEqualTo(3_600_000);
        assertThat(outbox.peek(100)).as("the oldest hundred").containsExactly(1, 100);
    }

    @Test
    void theLedgerMirrorsWhatIsHeld(@TempDir Path dir) throws Exception {
        try (Ledger ledger = Ledger.create(dir, "box-1", 1, 1000, System.currentTimeMillis(), 10)) {
            Outbox outbox = new Outbox("box-1-0", 10, new HelloWriter(new Keys("resque", "hello"), "box-1-0",
                    Duration.ofHours(24), ServiceClock.system()), ledger.slot(0));
            for (int i = 0; i < 4; i++) {
                outbox.add();
            }
            remove(outbox, 1);
            assertThat(ledger.slot(0).made()).as("made, on disk").isEqualTo(4);
            assertThat(ledger.slot(0).firstHeld()).as("first held, on disk").isEqualTo(2);
        }
    }

    @Test
    void eachHelloCarriesTheTimeItsTickWasDueOnceTheScheduleIsKnown() {
        Outbox outbox = outbox(10);
        assertThat(outbox.dueMicros(1)).as("no schedule yet (an adopted outbox)").isEqualTo(-1);
        outbox.scheduleFrom(5_000_000, 1_000_000);
        assertThat(outbox.dueMicros(1)).as("hello 1").isEqualTo(5_000_000);
        assertThat(outbox.dueMicros(4)).as("hello 4, three intervals later").isEqualTo(8_000_000);
    }


    @Test
    void aTickOverflowingDuringARoundTripSkipsNoUnsentHello() {
        Outbox outbox = outbox(3);
        long reported = 0;
        for (int i = 0; i < 3; i++) {
            reported += outbox.add().count();
        }
        long[] batch = outbox.take(2);
        reported += outbox.add().count();
        outbox.confirm(batch[0], batch[1]);
        assertThat(outbox.peek(10)).as("hellos 3 and 4 were never sent: both still held").containsExactly(3, 2);
        assertThat(reported).as("drops reported: none, 1 and 2 were sent").isZero();
        assertThat(outbox.add().count()).as("the next tick fits").isZero();
        assertThat(outbox.add()).as("and the one after drops the oldest unsent").isEqualTo(new Outbox.Drop(3, 1));
    }

    @Test
    void aFailedRoundTripDropsExactlyWhatIsReported() {
        Outbox outbox = outbox(3);
        for (int i = 0; i < 3; i++) {
            outbox.add();
        }
        outbox.take(2);
        assertThat(outbox.add().count()).as("no drop while 1 and 2 are in a round trip").isZero();
        assertThat(outbox.add().count()).as("nor for the next tick").isZero();
        outbox.release();
        assertThat(outbox.add()).as("after the failure, the next tick drops the excess: 1..3").isEqualTo(
                new Outbox.Drop(1, 3));
        assertThat(outbox.peek(10)).as("the newest three held, none skipped").containsExactly(4, 3);
        assertThat(outbox.settled()).as("settled: exactly the dropped").isEqualTo(3);
    }

    @Test
    void aConfirmationAfterItsHellosWereDroppedSkipsNothing() {
        Outbox outbox = outbox(2);
        outbox.add();
        outbox.add();
        long[] batch = outbox.peek(1);
        outbox.add();
        outbox.add();
        outbox.confirm(batch[0], batch[1]);
        assertThat(outbox.peek(10)).as("hello 1 dropped and then confirmed: 3 and 4 still held").containsExactly(3, 2);
    }
}
