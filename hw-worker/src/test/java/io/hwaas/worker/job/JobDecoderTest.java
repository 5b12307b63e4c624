package io.hwaas.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.hello.Hello;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobDecoderTest {
    private static final int MAX_PAYLOAD = 1024;
    private static final int MAX_ARG = 256;
    private final JobDecoder decoder = new JobDecoder(MAX_PAYLOAD, MAX_ARG);

    private static String job(String argsJson) {
        return "{\"class\":\"PrintJob\",\"args\":" + argsJson + "}";
    }

    private static String withMeta(String metaJson) {
        return "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],\"hwaas\":" + metaJson + "}";
    }

    private Decoded.Runnable assertRunnable(String what, String payload) {
        Decoded decoded = decoder.decode(payload);
        assertThat(decoded).as(what + ": runnable").isInstanceOf(Decoded.Runnable.class);
        return (Decoded.Runnable) decoded;
    }

    private Decoded.Poison assertPoison(String what, String payload, PoisonReason reason) {
        Decoded decoded = decoder.decode(payload);
        assertThat(decoded).as(what + ": poison").isInstanceOf(Decoded.Poison.class);
        Decoded.Poison poison = (Decoded.Poison) decoded;
        assertThat(poison.reason()).as(what + ": reason (detail: " + poison.detail() + ")").isEqualTo(reason);
        assertThat(poison.detail()).as(what + ": detail for the dead-letter entry").isNotBlank()
                .doesNotContain("\n");
        return poison;
    }

    @Test
    void helloWithMeta() {
        Hello.Meta meta = new Hello.Meta("client-kq2-0", 17, 1_700_000_000_000_000L);
        Decoded.Runnable run = assertRunnable("encoded hello", Hello.encode(Hello.MESSAGE, meta));
        assertThat(run.meta()).as("meta").isEqualTo(meta);
        assertThat(run.job().line()).as("line").isEqualTo("hello, world!");
    }

    @Test
    void plainJesqueJobHasNoMeta() {
        Decoded.Runnable run = assertRunnable("plain Jesque", job("[\"hello, world!\"]"));
        assertThat(run.meta()).as("meta").isNull();
        assertThat(run.job().line()).as("line").isEqualTo("hello, world!");
    }

    @Test
    void jesqueExtrasAreTolerated() {
        assertRunnable("empty vars", "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],\"vars\":{}}");
        assertRunnable("null vars", "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],\"vars\":null}");
        assertRunnable("unknown field", "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],\"extra\":1}");
        assertRunnable("null hwaas", withMeta("null"));
        assertRunnable("whitespace around", "  \n" + job("[\"hello, world!\"]") + "\n ");
    }

    @Test
    void anArgumentWithControlsRunsButPrintsNeutralised() {
        Decoded.Runnable run = assertRunnable("ANSI argument", job("[\"\\u001b[31mred\"]"));
        assertThat(run.job().line()).as("escape shown").isEqualTo("\\u001b[31mred");
    }

    @Test
    void oversizedPayload() {
        String big = job("[\"" + "x".repeat(MAX_PAYLOAD) + "\"]");
        Decoded.Poison poison = assertPoison("longer than max", big, PoisonReason.OVERSIZED_PAYLOAD);
        assertThat(poison.detail()).as("names the limit").contains(Integer.toString(MAX_PAYLOAD));
        assertPoison("long non-JSON is not parsed", "{".repeat(MAX_PAYLOAD + 1), PoisonReason.OVERSIZED_PAYLOAD);
    }

    @Test
    void oversizedPayloadCountsUtf8Bytes() {
        // Fewer characters than the limit, but two bytes each in UTF-8.
        String payload = job("[\"" + "\u00e9".repeat(MAX_PAYLOAD * 3 / 4) + "\"]");
        assertThat(payload.length()).as("fits in characters").isLessThan(MAX_PAYLOAD);
        assertThat(payload.getBytes(StandardCharsets.UTF_8).length).as("exceeds in bytes").isGreaterThan(MAX_PAYLOAD);
        assertPoison("multi-byte payload", payload, PoisonReason.OVERSIZED_PAYLOAD);
    }

    @Test
    void payloadOfExactlyTheLimitIsParsed() {
        JobDecoder roomy = new JobDecoder(MAX_PAYLOAD, MAX_PAYLOAD);
        String prefix = "{\"class\":\"PrintJob\",\"args\":[\"";
        String suffix = "\"]}";
        String payload = prefix + "x".repeat(MAX_PAYLOAD - prefix.length() - suffix.length()) + suffix;
        assertThat(payload.getBytes(StandardCharsets.UTF_8)).as("exactly the limit").hasSize(MAX_PAYLOAD);
        assertThat(roomy.decode(payload)).as("at the limit").isInstanceOf(Decoded.Runnable.class);
    }

    @Test
    void malformedJson() {
        assertPoison("not JSON", "hello, world!", PoisonReason.MALFORMED_JSON);
        assertPoison("truncated object", "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"]",
                PoisonReason.MALFORMED_JSON);
        assertPoison("truncated in hwaas", withMeta("{\"client\":\"c").replaceAll("}$", ""),
                PoisonReason.MALFORMED_JSON);
        assertPoison("single quotes", "{'class':'PrintJob','args':['hello, world!']}", PoisonReason.MALFORMED_JSON);
        assertPoison("trailing comma", "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],}",
                PoisonReason.MALFORMED_JSON);
        assertPoison("garbage after the object", job("[\"hello, world!\"]") + " garbage", PoisonReason.MALFORMED_JSON);
    }

    @Test
    void malformedJob() {
        assertPoison("JSON array", "[\"PrintJob\",\"hello, world!\"]", PoisonReason.MALFORMED_JOB);
        assertPoison("JSON null", "null", PoisonReason.MALFORMED_JOB);
        assertPoison("JSON string", "\"hello, world!\"", PoisonReason.MALFORMED_JOB);
        assertPoison("JSON number", "42", PoisonReason.MALFORMED_JOB);
        assertPoison("missing class", "{\"args\":[\"hello, world!\"]}", PoisonReason.MALFORMED_JOB);
        assertPoison("null class", "{\"class\":null,\"args\":[\"hello, world!\"]}", PoisonReason.MALFORMED_JOB);
        assertPoison("args not an array", job("\"hello, world!\""), PoisonReason.MALFORMED_JOB);
        assertPoison("vars not an object", "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],\"vars\":5}",
                PoisonReason.MALFORMED_JOB);
        assertPoison("a second JSON value after the object", job("[\"hello, world!\"]") + " {}",
                PoisonReason.MALFORMED_JOB);
        assertPoison("a second job after the object", job("[\"hello, world!\"]") + job("[\"hello, world!\"]"),
                PoisonReason.MALFORMED_JOB);
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() {
        JobDecoder roomy = new JobDecoder(65_536, 1024);
        int depth = 5000;
        String payload = job("[" + "[".repeat(depth) + "]".repeat(depth) + "]");
        Decoded decoded = roomy.decode(payload);
        assertThat(decoded).as("deep nesting: poison").isInstanceOf(Decoded.Poison.class);
        assertThat(((Decoded.Poison) decoded).reason()).as("deep nesting: reason").isEqualTo(PoisonReason.MALFORMED_JOB);
        String inMeta = withMeta("{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        Decoded extra = roomy.decode(inMeta);
        assertThat(extra).as("deep nesting in the metadata: poison").isInstanceOf(Decoded.Poison.class);
        assertThat(((Decoded.Poison) extra).reason()).as("deep nesting in the metadata: reason")
                .isEqualTo(PoisonReason.MALFORMED_JOB);
    }

    @Test
    void unknownJob() {
        Decoded.Poison poison = assertPoison("other class", "{\"class\":\"DeleteEverything\",\"args\":[\"x\"]}",
                PoisonReason.UNKNOWN_JOB);
        assertThat(poison.detail()).as("names the job").contains("DeleteEverything");
        assertPoison("case matters", "{\"class\":\"printjob\",\"args\":[\"hello, world!\"]}", PoisonReason.UNKNOWN_JOB);
        assertPoison("Java class name", "{\"class\":\"io.hwaas.worker.job.PrintJob\",\"args\":[\"hello, world!\"]}",
                PoisonReason.UNKNOWN_JOB);
    }

    @Test
    void badArguments() {
        assertPoison("no args field", "{\"class\":\"PrintJob\"}", PoisonReason.BAD_ARGUMENTS);
        assertPoison("null args", job("null"), PoisonReason.BAD_ARGUMENTS);
        assertPoison("0 args", job("[]"), PoisonReason.BAD_ARGUMENTS);
        Decoded.Poison two = assertPoison("2 args", job("[\"hello, world!\",\"again\"]"), PoisonReason.BAD_ARGUMENTS);
        assertThat(two.detail()).as("says how many").contains("2");
        assertPoison("number", job("[42]"), PoisonReason.BAD_ARGUMENTS);
        assertPoison("boolean", job("[true]"), PoisonReason.BAD_ARGUMENTS);
        assertPoison("object", job("[{\"a\":1}]"), PoisonReason.BAD_ARGUMENTS);
        assertPoison("null", job("[null]"), PoisonReason.BAD_ARGUMENTS);
        assertPoison("array", job("[[\"hello, world!\"]]"), PoisonReason.BAD_ARGUMENTS);
        Decoded.Poison vars = assertPoison("non-empty vars",
                "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],\"vars\":{\"to\":\"you\"}}",
                PoisonReason.BAD_ARGUMENTS);
        assertThat(vars.detail()).as("names the var").contains("to");
    }

    @Test
    void oversizedArgument() {
        Decoded.Poison poison = assertPoison("one over", job("[\"" + "x".repeat(MAX_ARG + 1) + "\"]"),
                PoisonReason.OVERSIZED_ARGUMENT);
        assertThat(poison.detail()).as("names the limit").contains(Integer.toString(MAX_ARG));
        assertRunnable("exactly the limit", job("[\"" + "x".repeat(MAX_ARG) + "\"]"));
    }

    @Test
    void badMetadata() {
        assertPoison("hwaas a string", withMeta("\"c:1\""), PoisonReason.BAD_METADATA);
        assertPoison("hwaas an array", withMeta("[\"c\",1]"), PoisonReason.BAD_METADATA);
        assertPoison("seq a string", withMeta("{\"client\":\"c\",\"seq\":\"1\",\"enqueuedAt\":1}"),
                PoisonReason.BAD_METADATA);
        assertPoison("seq 0", withMeta("{\"client\":\"c\",\"seq\":0,\"enqueuedAt\":1}"), PoisonReason.BAD_METADATA);
        assertPoison("seq negative", withMeta("{\"client\":\"c\",\"seq\":-1,\"enqueuedAt\":1}"),
                PoisonReason.BAD_METADATA);
        assertPoison("seq fractional", withMeta("{\"client\":\"c\",\"seq\":1.5,\"enqueuedAt\":1}"),
                PoisonReason.BAD_METADATA);
        assertPoison("client with a colon", withMeta("{\"client\":\"evil:1\",\"seq\":1,\"enqueuedAt\":1}"),
                PoisonReason.BAD_METADATA);
        assertPoison("client with a space", withMeta("{\"client\":\"a b\",\"seq\":1,\"enqueuedAt\":1}"),
                PoisonReason.BAD_METADATA);
        assertPoison("client missing", withMeta("{\"seq\":1,\"enqueuedAt\":1}"), PoisonReason.BAD_METADATA);
        assertPoison("enqueuedAt missing", withMeta("{\"client\":\"c\",\"seq\":1}"), PoisonReason.BAD_METADATA);
    }

    @Test
    void argumentsAreCheckedBeforeMetadata() {
        // A payload wrong in both ways is reported for its arguments, the more fundamental fault.
        String payload = "{\"class\":\"PrintJob\",\"args\":[],\"hwaas\":\"bad\"}";
        assertPoison("both wrong", payload, PoisonReason.BAD_ARGUMENTS);
    }

    @Test
    void emptyOrBlankPayloadIsNotJson() {
        for (String payload : new String[] {"", "   ", "\n"}) {
            assertPoison("'" + payload + "'", payload, PoisonReason.MALFORMED_JSON);
        }
    }

    @Test
    void aDetailThatRepeatsTheInputIsBounded() {
        // The largest payload HWAAS_MAX_PAYLOAD_BYTES allows, nearly all of it a class name the reason repeats.
        JobDecoder roomy = new JobDecoder(1 << 20, MAX_ARG);
        String name = "N".repeat((1 << 20) - 100);
        Decoded.Poison poison = (Decoded.Poison) roomy.decode("{\"class\":\"" + name + "\",\"args\":[\"x\"]}");
        assertThat(poison.reason()).as("reason").isEqualTo(PoisonReason.UNKNOWN_JOB);
        assertThat(poison.detail()).as("detail: its start, an ellipsis and the length in all")
                .startsWith("unknown job 'NNN").contains("\u2026 (").endsWith(" characters in all)")
                .hasSizeLessThanOrEqualTo(Decoded.Poison.MAX_DETAIL + 40);
        String surrogates = "\ud83d\ude00".repeat(Decoded.Poison.MAX_DETAIL);
        assertThat(new Decoded.Poison(PoisonReason.BAD_ARGUMENTS, "x" + surrogates).detail())
                .as("never cut inside a surrogate pair").doesNotContain("\ud83d\u2026");
    }
}
