package io.hwaas.ops.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The audit reading dead-letter entries back; writing them is the worker's acknowledgement script, tested in ConsumeIT. */
class PendingTest {

    @Test
    void payloadKeptWholeIsReadBack() {
        assertThat(Pending.payloadOf("{\"reason\":\"x\",\"payload\":\"line1\\nline2 \\u001b\"}"))
                .as("escaped payload").isEqualTo("line1\nline2 \u001b");
    }

    @Test
    void payloadOfSomethingElseIsNull() {
        assertThat(Pending.payloadOf("not json")).as("not JSON").isNull();
        assertThat(Pending.payloadOf("{\"payload\":")).as("truncated JSON").isNull();
        assertThat(Pending.payloadOf("")).as("empty").isNull();
        assertThat(Pending.payloadOf("[1,2]")).as("array").isNull();
        assertThat(Pending.payloadOf("{\"reason\":\"x\"}")).as("no payload").isNull();
        assertThat(Pending.payloadOf("{\"payload\":42}")).as("payload not text").isNull();
        assertThat(Pending.payloadOf("{\"payload\":null}")).as("payload null").isNull();
        assertThat(Pending.payloadOf("{\"prefix\":\"abc\",\"sha1\":\"00\"}")).as("kept as a prefix only").isNull();
    }
}
