package io.hwaas.worker.consume;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes hello lines to stdout, a whole batch in one {@code write} and flushed before the caller
 * marks the batch printed. Consumers share one printer; the lock keeps each batch's lines
 * together and every line whole.
 */
public final class LinePrinter {
    private final OutputStream out;
    private byte[] buffer = new byte[8192];

    /** @param out usually {@code new FileOutputStream(FileDescriptor.out)}, unbuffered */
    public LinePrinter(OutputStream out) {
        this.out = out;
    }

    /**
     * Prints each line followed by a line break, then flushes.
     *
     * @throws IOException when stdout is gone; the batch is then not acknowledged and will run again
     */
    public synchronized void print(List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        int length = 0;
        for (String line : lines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            ensure(length + bytes.length + 1);
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
            buffer[length++] = '\n';
        }
        out.write(buffer, 0, length);
        out.flush();
        if (buffer.length > 1 << 20) {
            buffer = new byte[8192];
        }
    }

    private void ensure(int capacity) {
        if (capacity > buffer.length) {
            byte[] bigger = new byte[Math.max(capacity, buffer.length * 2)];
            System.arraycopy(buffer, 0, bigger, 0, buffer.length);
            buffer = bigger;
        }
    }
}
