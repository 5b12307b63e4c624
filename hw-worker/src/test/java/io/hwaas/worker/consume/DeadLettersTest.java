package io.hwaas.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading dead-letter entries back; writing them is the acknowledgement script's, tested in ConsumeIT. */
class DeadLettersTest {

    @Test
    void payloadKeptWholeIsReadBack() {
        assertThat(DeadLetters.payloadOf("{\"reason\":\"x\",\"payload\":\"line1\\nline2 \\u001b\"}"))
                .as("escaped payload").isEqualTo("line1\nline2 \u001b");
    }

    @Test
    void payloadOfSomethingElseIsNull() {
        assertThat(DeadLetters.payloadOf("not json")).as("not JSON").isNull();
        assertThat(DeadLetters.payloadOf("{\"payload\":")).as("truncated JSON").isNull();
        assertThat(DeadLetters.payloadOf("")).as("empty").isNull();
        assertThat(DeadLetters.payloadOf("[1,2]")).as("array").isNull();
        assertThat(DeadLetters.payloadOf("{\"reason\":\"x\"}")).as("no payload").isNull();
        assertThat(DeadLetters.payloadOf("{\"payload\":42}")).as("payload not text").isNull();
        assertThat(DeadLetters.payloadOf("{\"payload\":null}")).as("payload null").isNull();
        assertThat(DeadLetters.payloadOf("{\"prefix\":\"abc\",\"sha1\":\"00\"}")).as("kept as a prefix only").isNull();
    }
}
