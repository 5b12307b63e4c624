package io.hwaas.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinePrinterTest {

    /** Records how the printer uses the stream, since one write per batch is the promise. */
    private static final class CountingStream extends ByteArrayOutputStream {
        int writes;
        int flushes;
        boolean flushedAfterLastWrite;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            flushedAfterLastWrite = false;
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) {
            writes++;
            flushedAfterLastWrite = false;
            super.write(b);
        }

        @Override
        public void flush() {
            flushes++;
            flushedAfterLastWrite = true;
        }

        String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void printsEachLineWithALineBreakInOneWriteThenFlushes() throws IOException {
        CountingStream out = new CountingStream();
        new LinePrinter(out).print(List.of("hello, world!", "hello, world!", "hello, world!"));
        assertThat(out.text()).as("three lines").isEqualTo("hello, world!\n".repeat(3));
        assertThat(out.writes).as("one write for the batch").isEqualTo(1);
        assertThat(out.flushes).as("one flush").isEqualTo(1);
        assertThat(out.flushedAfterLastWrite).as("flushed after the write").isTrue();
    }

    @Test
    void emptyBatchWritesNothing() throws IOException {
        CountingStream out = new CountingStream();
        new LinePrinter(out).print(Collections.emptyList());
        assertThat(out.size()).as("no bytes").isZero();
        assertThat(out.writes).as("no write").isZero();
    }

    @Test
    void emptyLineIsStillALine() throws IOException {
        CountingStream out = new CountingStream();
        new LinePrinter(out).print(List.of(""));
        assertThat(out.text()).as("just the line break").isEqualTo("\n");
    }

    @Test
    void largeBatchIsOneWriteAndLaterBatchesAreUnaffected() throws IOException {
        CountingStream out = new CountingStream();
        LinePrinter printer = new LinePrinter(out);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            lines.add("hello, world! " + i);
        }
        printer.print(lines);
        assertThat(out.writes).as("one write for 100 000 lines (well past the 1 MiB buffer reset)").isEqualTo(1);
        String text = out.text();
        assertThat(text.split("\n", -1)).as("100 000 lines and the empty rest after the last break")
                .hasSize(100_001);
        assertThat(text).as("first line").startsWith("hello, world! 0\n");
        assertThat(text).as("last line").endsWith("hello, world! 99999\n");

        out.reset();
        printer.print(List.of("after"));
        assertThat(out.text()).as("the next batch holds only its own line").isEqualTo("after\n");
        assertThat(out.writes).as("writes in total").isEqualTo(2);
    }

    @Test
    void lineLongerThanTheInitialBufferIsWhole() throws IOException {
        CountingStream out = new CountingStream();
        String line = "x".repeat(20_000);
        new LinePrinter(out).print(List.of("a", line, "b"));
        assertThat(out.text()).as("lines intact").isEqualTo("a\n" + line + "\nb\n");
    }

    @Test
    void writesUtf8() throws IOException {
        CountingStream out = new CountingStream();
        new LinePrinter(out).print(List.of("h\u00e9llo", "\u65e5\u672c", "\ud83d\ude00"));
        assertThat(out.toByteArray()).as("UTF-8 bytes")
                .isEqualTo("h\u00e9llo\n\u65e5\u672c\n\ud83d\ude00\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writeFailureReachesTheCaller() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        assertThatIOException().as("stdout gone: the batch must not be acknowledged")
                .isThrownBy(() -> new LinePrinter(broken).print(List.of("hello, world!")));
    }
}
