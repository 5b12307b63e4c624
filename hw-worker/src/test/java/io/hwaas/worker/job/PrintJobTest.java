package io.hwaas.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class PrintJobTest {

    @Test
    void lineIsTheArgument() {
        assertThat(new PrintJob("hello, world!").line()).as("hello").isEqualTo("hello, world!");
    }

    @Test
    void lineIsSanitised() {
        assertThat(new PrintJob("hello\n\u001b[2Jworld").line()).as("newline and ANSI escaped")
                .isEqualTo("hello\\u000a\\u001b[2Jworld");
    }

    @Test
    void nullArgumentIsRefused() {
        assertThatNullPointerException().as("null argument").isThrownBy(() -> new PrintJob(null));
    }
}
