package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.json.ObjectMapperFactory;
import org.junit.jupiter.api.Test;

class HelloTest {
    private static final ObjectMapper JESQUE = ObjectMapperFactory.get();

    private static Job job(String hwaasJson) throws Exception {
        return JESQUE.readValue("{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],\"hwaas\":" + hwaasJson + "}",
                Job.class);
    }

    @Test
    void encodeProducesAJesqueJobWithTheHwaasObject() throws Exception {
        String json = Hello.encode(Hello.MESSAGE, new Hello.Meta("host-abc-0", 42, 1_700_000_000_123_456L));
        JsonNode node = new ObjectMapper().readTree(json);
        assertThat(node.path("class").asText()).as("class").isEqualTo("PrintJob");
        assertThat(node.path("args").isArray()).as("args is an array").isTrue();
        assertThat(node.path("args")).as("exactly one argument").hasSize(1);
        assertThat(node.path("args").get(0).asText()).as("the argument").isEqualTo("hello, world!");
        JsonNode meta = node.path("hwaas");
        assertThat(meta.isObject()).as("hwaas is an object").isTrue();
        assertThat(meta.path("client").asText()).as("hwaas.client").isEqualTo("host-abc-0");
        assertThat(meta.path("seq").isIntegralNumber()).as("hwaas.seq is a whole number").isTrue();
        assertThat(meta.path("seq").asLong()).as("hwaas.seq").isEqualTo(42);
        assertThat(meta.path("enqueuedAt").isIntegralNumber()).as("hwaas.enqueuedAt is a whole number").isTrue();
        assertThat(meta.path("enqueuedAt").asLong()).as("hwaas.enqueuedAt").isEqualTo(1_700_000_000_123_456L);
        List<String> names = new ArrayList<>();
        meta.fieldNames().forEachRemaining(names::add);
        assertThat(names).as("hwaas fields").containsExactlyInAnyOrder("client", "seq", "enqueuedAt");
    }

    @Test
    void jesqueDecodesAnEncodedHelloAndMetaRoundTrips() throws Exception {
        Hello.Meta meta = new Hello.Meta("worker-1.example_com-kq2-3", Long.MAX_VALUE, 1_700_000_000_000_001L);
        Job job = JESQUE.readValue(Hello.encode(Hello.MESSAGE, meta), Job.class);
        assertThat(job.getClassName()).as("class").isEqualTo(Hello.JOB_NAME);
        assertThat(job.getArgs()).as("args").containsExactly(Hello.MESSAGE);
        assertThat(Hello.meta(job)).as("meta").isEqualTo(meta);
        assertThat(Hello.meta(job).id()).as("id").isEqualTo("worker-1.example_com-kq2-3:" + Long.MAX_VALUE);
    }

    @Test
    void smallSequenceNumbersRoundTrip() throws Exception {
        Hello.Meta meta = new Hello.Meta("c", 1, 0);
        Job job = JESQUE.readValue(Hello.encode(Hello.MESSAGE, meta), Job.class);
        assertThat(Hello.meta(job)).as("Integer-sized numbers from Jackson").isEqualTo(meta);
    }

    @Test
    void aJobWithoutHwaasHasNoMeta() throws Exception {
        Job job = JESQUE.readValue("{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"]}", Job.class);
        assertThat(Hello.meta(job)).as("plain Jesque job").isNull();
        assertThat(Hello.meta(new Job("PrintJob", "hello, world!"))).as("job built in code").isNull();
    }

    @Test
    void hwaasThatIsNotAnObjectIsRefused() throws Exception {
        for (String bad : new String[] {"\"c:1\"", "42", "[1,2]", "true"}) {
            Job job = job(bad);
            assertThatIllegalArgumentException().as("hwaas = " + bad).isThrownBy(() -> Hello.meta(job))
                    .withMessageContaining("hwaas");
        }
    }

    @Test
    void malformedClientIsRefused() throws Exception {
        for (String bad : new String[] {
            "{\"seq\":1,\"enqueuedAt\":1}",
            "{\"client\":null,\"seq\":1,\"enqueuedAt\":1}",
            "{\"client\":7,\"seq\":1,\"enqueuedAt\":1}",
            "{\"client\":\"\",\"seq\":1,\"enqueuedAt\":1}",
            "{\"client\":\"a:b\",\"seq\":1,\"enqueuedAt\":1}",
            "{\"client\":\"a b\",\"seq\":1,\"enqueuedAt\":1}",
            "{\"client\":\"" + "a".repeat(81) + "\",\"seq\":1,\"enqueuedAt\":1}"}) {
            Job job = job(bad);
            assertThatIllegalArgumentException().as("hwaas = " + bad).isThrownBy(() -> Hello.meta(job))
                    .withMessageContaining("client");
        }
    }

    @Test
    void malformedSeqIsRefused() throws Exception {
        for (String bad : new String[] {
            "{\"client\":\"c\",\"enqueuedAt\":1}",
            "{\"client\":\"c\",\"seq\":0,\"enqueuedAt\":1}",
            "{\"client\":\"c\",\"seq\":-5,\"enqueuedAt\":1}",
            "{\"client\":\"c\",\"seq\":1.5,\"enqueuedAt\":1}",
            "{\"client\":\"c\",\"seq\":2.0,\"enqueuedAt\":1}",
            "{\"client\":\"c\",\"seq\":\"1\",\"enqueuedAt\":1}",
            "{\"client\":\"c\",\"seq\":true,\"enqueuedAt\":1}"}) {
            Job job = job(bad);
            assertThatIllegalArgumentException().as("hwaas = " + bad).isThrownBy(() -> Hello.meta(job))
                    .withMessageContaining("seq");
        }
    }

    @Test
    void malformedEnqueuedAtIsRefused() throws Exception {
        for (String bad : new String[] {
            "{\"client\":\"c\",\"seq\":1}",
            "{\"client\":\"c\",\"seq\":1,\"enqueuedAt\":\"now\"}",
            "{\"client\":\"c\",\"seq\":1,\"enqueuedAt\":1.5}"}) {
            Job job = job(bad);
            assertThatIllegalArgumentException().as("hwaas = " + bad).isThrownBy(() -> Hello.meta(job))
                    .withMessageContaining("enqueuedAt");
        }
    }

    @Test
    void nowMicrosIsInMicroseconds() {
        long before = System.currentTimeMillis();
        long micros = Hello.nowMicros();
        long after = System.currentTimeMillis();
        assertThat(micros / 1000).as("micros / 1000 is the wall clock in millis").isBetween(before, after);
    }

    @Test
    void encodeWritesExactlyWhatJesquesOwnMapperWrites() throws Exception {
        // The streaming encoder must stay byte-compatible with Jesque's format.
        for (String message : new String[] {Hello.MESSAGE, "quote \" backslash \\ newline \n \u001b", "日本"}) {
            Hello.Meta meta = new Hello.Meta("host-abc-0", 7, 1_700_000_000_123_456L);
            assertThat(Hello.encode(message, meta)).as("encoding of '" + message + "'")
                    .isEqualTo(JESQUE.writeValueAsString(Hello.toJob(message, meta)));
        }
    }
}
