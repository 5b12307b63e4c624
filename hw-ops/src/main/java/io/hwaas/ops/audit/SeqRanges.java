package io.hwaas.ops.audit;

import java.util.Arrays;

/**
 * A set of sequence numbers held as sorted, disjoint ranges: the audit's memory stays bounded by
 * the number of runs, not the number of hellos. A client's hellos sit in the queue in order, so
 * two million queued hellos of a thousand clients take a few thousand ranges.
 */
final class SeqRanges {
    private long[] starts = new long[4];
    private long[] ends = new long[4];
    private int size;
    private boolean sorted = true;

    /** Adds one number; cheapest when numbers come in ascending runs. */
    void add(long seq) {
        add(seq, seq);
    }

    /** Adds {@code from..to}, inclusive. */
    void add(long from, long to) {
        if (size > 0 && from >= starts[size - 1] && from <= ends[size - 1] + 1) {
            ends[size - 1] = Math.max(ends[size - 1], to);
            return;
        }
        if (size > 0 && from < starts[size - 1]) {
            sorted = false;
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        starts[size] = from;
        ends[size] = to;
        size++;
    }

    /** Whether {@code seq} is in the set. */
    boolean contains(long seq) {
        normalize();
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (ends[mid] < seq) {
                low = mid + 1;
            } else if (starts[mid] > seq) {
                high = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** How many numbers the set holds. */
    long count() {
        normalize();
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += ends[i] - starts[i] + 1;
        }
        return n;
    }

    /** The ranges, for iteration: {@code [start0, end0, start1, end1, ...]}. */
    long[] ranges() {
        normalize();
        long[] out = new long[size * 2];
        for (int i = 0; i < size; i++) {
            out[2 * i] = starts[i];
            out[2 * i + 1] = ends[i];
        }
        return out;
    }

    private void normalize() {
        if (sorted) {
            return;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
        long[] s = new long[Math.max(4, size)];
        long[] e = new long[Math.max(4, size)];
        int n = 0;
        for (int index : order) {
            if (n > 0 && starts[index] <= e[n - 1] + 1) {
                e[n - 1] = Math.max(e[n - 1], ends[index]);
            } else {
                s[n] = starts[index];
                e[n] = ends[index];
                n++;
            }
        }
        starts = s;
        ends = e;
        size = n;
        sorted = true;
    }
}
