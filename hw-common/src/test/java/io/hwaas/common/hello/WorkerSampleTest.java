package io.hwaas.common.hello;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerSampleTest {
    @Test
    void publishesTheFieldsStatusReadsAndReadsThemBack() {
        WorkerSample sample = new WorkerSample(42, 4, 1_700_000_000_123L, new double[] {0.001, 1}, new long[] {3, 40, 42});
        String json = sample.toJson();
        assertThat(json).as("the published line").isEqualTo("{\"printed\":42,\"threads\":4,"
                + "\"sampledAtMillis\":1700000000123,\"latencyBounds\":[0.001,1.0],\"latencyBuckets\":[3,40,42]}");
        WorkerSample read = WorkerSample.parse(json);
        assertThat(read).as("read back").isNotNull();
        assertThat(read.printed()).isEqualTo(42);
        assertThat(read.threads()).isEqualTo(4);
        assertThat(read.sampledAtMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(read.latencyBounds()).containsExactly(0.001, 1.0);
        assertThat(read.latencyBuckets()).containsExactly(3, 40, 42);
    }

    @Test
    void refusesWhatIsNotASample() {
        assertThat(WorkerSample.parse(null)).as("none published").isNull();
        assertThat(WorkerSample.parse("{not json")).as("not JSON").isNull();
        assertThat(WorkerSample.parse("{\"printed\":1,\"latencyBounds\":[1],\"latencyBuckets\":[1]}"))
                .as("buckets not one more than the bounds").isNull();
        assertThat(WorkerSample.parse("{\"printed\":1,\"latencyBuckets\":[1]}")).as("no bounds").isNull();
    }
}
