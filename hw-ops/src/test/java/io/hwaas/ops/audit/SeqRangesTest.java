package io.hwaas.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqRangesTest {

    @Test
    void ascendingRunsCollapseIntoOneRange() {
        SeqRanges ranges = new SeqRanges();
        for (long seq = 1; seq <= 1_000_000; seq++) {
            ranges.add(seq);
        }
        assertThat(ranges.ranges()).as("one range").containsExactly(1, 1_000_000);
        assertThat(ranges.count()).as("count").isEqualTo(1_000_000);
    }

    @Test
    void numbersOutOfOrderAreMergedWhereTheyTouch() {
        SeqRanges ranges = new SeqRanges();
        ranges.add(10);
        ranges.add(11);
        ranges.add(3);
        ranges.add(5, 9);
        ranges.add(20);
        ranges.add(4);
        assertThat(ranges.ranges()).as("merged").containsExactly(3, 11, 20, 20);
        assertThat(ranges.contains(7)).as("7").isTrue();
        assertThat(ranges.contains(12)).as("12").isFalse();
        assertThat(ranges.contains(20)).as("20").isTrue();
        assertThat(ranges.contains(2)).as("2").isFalse();
        assertThat(ranges.count()).as("count").isEqualTo(10);
    }

    @Test
    void duplicatesCountOnce() {
        SeqRanges ranges = new SeqRanges();
        ranges.add(5);
        ranges.add(5);
        ranges.add(1);
        ranges.add(5);
        assertThat(ranges.count()).as("count").isEqualTo(2);
    }
}
