package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import net.greghaines.jesque.Job;
import net.greghaines.jesque.json.ObjectMapperFactory;
import org.junit.jupiter.api.Test;

class HelloNumberRangeTest {

    @Test
    void seqBeyondLongIsRefusedNotWrapped() throws Exception {
        // 2^64 + 1 wraps to 1 through BigInteger.longValue(): a forged hello would pass as seq 1.
        Job job = ObjectMapperFactory.get().readValue("{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],"
                + "\"hwaas\":{\"client\":\"c\",\"seq\":18446744073709551617,\"enqueuedAt\":1}}", Job.class);
        assertThatIllegalArgumentException().as("seq 2^64+1").isThrownBy(() -> Hello.meta(job))
                .withMessageContaining("seq");
    }

    @Test
    void enqueuedAtBeyondLongIsRefusedNotWrapped() throws Exception {
        Job job = ObjectMapperFactory.get().readValue("{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"],"
                + "\"hwaas\":{\"client\":\"c\",\"seq\":1,\"enqueuedAt\":18446744073709551617}}", Job.class);
        assertThatIllegalArgumentException().as("enqueuedAt 2^64+1").isThrownBy(() -> Hello.meta(job))
                .withMessageContaining("enqueuedAt");
    }
}
