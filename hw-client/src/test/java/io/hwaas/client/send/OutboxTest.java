package io.hwaas.client.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private static List<Long> seqs(List<Outbox.Pending> pending) {
        return pending.stream().map(Outbox.Pending::seq).toList();
    }

    @Test
    void sequenceNumbersStartAtOneWithoutGaps() {
        Outbox outbox = new Outbox("c-1", 100);
        for (int i = 0; i < 10; i++) {
            assertThat(outbox.add(1_000L + i)).as("nothing dropped below capacity").isNull();
        }
        assertThat(seqs(outbox.peek(100))).as("1..10").containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(outbox.peek(1).get(0).madeAtMicros()).as("time kept").isEqualTo(1_000L);
        assertThat(outbox.client()).as("client").isEqualTo("c-1");
    }

    @Test
    void sequenceNumbersContinueAfterRemoval() {
        Outbox outbox = new Outbox("c-1", 100);
        outbox.add(0);
        outbox.add(0);
        outbox.remove(2);
        outbox.add(0);
        assertThat(seqs(outbox.peek(10))).as("numbering is not reset when emptied").containsExactly(3L);
    }

    @Test
    void peekDoesNotRemove() {
        Outbox outbox = new Outbox("c-1", 100);
        outbox.add(0);
        outbox.add(0);
        outbox.add(0);
        assertThat(seqs(outbox.peek(2))).as("oldest two").containsExactly(1L, 2L);
        assertThat(seqs(outbox.peek(2))).as("again the same").containsExactly(1L, 2L);
        assertThat(outbox.size()).as("size").isEqualTo(3);
        assertThat(outbox.peek(0)).as("peek 0").isEmpty();
        assertThat(seqs(outbox.peek(50))).as("more than held").containsExactly(1L, 2L, 3L);
    }

    @Test
    void peekOfAnEmptyOutbox() {
        assertThat(new Outbox("c-1", 10).peek(5)).as("empty").isEmpty();
    }

    @Test
    void removeForgetsTheOldest() {
        Outbox outbox = new Outbox("c-1", 100);
        for (int i = 0; i < 5; i++) {
            outbox.add(0);
        }
        outbox.remove(2);
        assertThat(seqs(outbox.peek(10))).as("3..5 left").containsExactly(3L, 4L, 5L);
        assertThat(outbox.size()).as("size").isEqualTo(3);
        outbox.remove(10);
        assertThat(outbox.size()).as("removing more than held empties it").isZero();
        outbox.remove(1);
        assertThat(outbox.size()).as("removing from empty is harmless").isZero();
    }

    @Test
    void overflowDropsTheOldestAndKeepsCapacity() {
        Outbox outbox = new Outbox("c-1", 3);
        outbox.add(10);
        outbox.add(20);
        outbox.add(30);
        Outbox.Pending dropped = outbox.add(40);
        assertThat(dropped).as("the oldest is returned").isEqualTo(new Outbox.Pending(1, 10));
        assertThat(outbox.size()).as("still at capacity").isEqualTo(3);
        assertThat(seqs(outbox.peek(10))).as("newest three kept").containsExactly(2L, 3L, 4L);
        assertThat(outbox.add(50).seq()).as("next drop").isEqualTo(2);
        assertThat(seqs(outbox.peek(10))).as("no gap among the kept").containsExactly(3L, 4L, 5L);
    }

    @Test
    void capacityOfOne() {
        Outbox outbox = new Outbox("c-1", 1);
        assertThat(outbox.add(0)).as("first fits").isNull();
        assertThat(outbox.add(0).seq()).as("second drops the first").isEqualTo(1);
        assertThat(seqs(outbox.peek(10))).as("only the newest").containsExactly(2L);
    }
}
