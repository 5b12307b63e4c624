package io.hwaas.worker.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.PoisonReason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final Decoded.Poison POISON = new Decoded.Poison(PoisonReason.UNKNOWN_JOB, "unknown job 'X'");

    @Test
    void entryHoldsEverythingAnOperatorNeeds() throws Exception {
        String entry = DeadLetters.entry("{\"class\":\"X\"}", POISON, "resque:queue:hello", "worker-1");
        JsonNode node = new ObjectMapper().readTree(entry);
        assertThat(node.path("reason").asText()).as("reason label").isEqualTo("unknown_job");
        assertThat(node.path("detail").asText()).as("detail").isEqualTo("unknown job 'X'");
        assertThat(node.path("queue").asText()).as("queue").isEqualTo("resque:queue:hello");
        assertThat(node.path("worker").asText()).as("worker").isEqualTo("worker-1");
        assertThat(Instant.parse(node.path("failedAt").asText())).as("failedAt is an ISO instant")
                .isBeforeOrEqualTo(Instant.now());
        assertThat(node.path("payload").asText()).as("payload").isEqualTo("{\"class\":\"X\"}");
    }

    @Test
    void payloadRoundTripsExactly() {
        String[] payloads = {
            "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"]}",
            "not json at all",
            "{\"truncated\":",
            "",
            "line1\nline2\r\n\ttab \"quotes\" \\backslash",
            "\u001b[31m \u202e \u00e9 \u65e5 \ud83d\ude00 \u0000",
            "x".repeat(100_000),
        };
        for (String payload : payloads) {
            String entry = DeadLetters.entry(payload, POISON, "q", "w");
            assertThat(DeadLetters.payloadOf(entry)).as("round trip of " + payload.substring(0,
                    Math.min(30, payload.length()))).isEqualTo(payload);
        }
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
    }
}
