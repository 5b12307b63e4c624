package io.hwaas.worker;

import static io.hwaas.common.testing.TestEnv.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.testing.TestEnv;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    private static ConfigException assertRejected(String variable, String value, String... more) {
        String[] pairs = new String[more.length + 2];
        pairs[0] = variable;
        pairs[1] = value;
        System.arraycopy(more, 0, pairs, 2, more.length);
        return TestEnv.assertRejected(variable + "=" + value, variable, value,
                () -> WorkerConfig.fromEnv(env(pairs), "host-abc"));
    }

    @Test
    void defaults() {
        WorkerConfig config = WorkerConfig.fromEnv(env(), "host-abc");
        assertThat(config.common().keys().queue()).as("common settings read").isEqualTo("resque:queue:hello");
        assertThat(config.threads()).as("threads").isEqualTo(2);
        assertThat(config.batchSize()).as("batch").isEqualTo(100);
        assertThat(config.blockTimeout()).as("block timeout").isEqualTo(Duration.ofSeconds(5));
        assertThat(config.heartbeat()).as("heartbeat").isEqualTo(Duration.ofSeconds(1));
        assertThat(config.deadAfter()).as("dead after").isEqualTo(Duration.ofSeconds(4));
        assertThat(config.maxArgLength()).as("max argument").isEqualTo(1024);
        assertThat(config.maxPayloadBytes()).as("max payload").isEqualTo(65_536);
        assertThat(config.deadLetterMax()).as("dead-letter cap").isEqualTo(10_000);
        assertThat(config.deadLetterMaxBytes()).as("dead-letter byte cap").isEqualTo(64L << 20);
        assertThat(config.deadLetterMaxAge()).as("dead-letter age cap, Sidekiq's six months").isEqualTo(Duration.ofDays(180));
        assertThat(config.name()).as("name").isEqualTo("host-abc");
    }

    @Test
    void valuesAreRead() {
        WorkerConfig config = WorkerConfig.fromEnv(env(
                "HWAAS_WORKER_THREADS", "8",
                "HWAAS_WORKER_BATCH", "1000",
                "HWAAS_WORKER_BLOCK_TIMEOUT", "250ms",
                "HWAAS_HEARTBEAT_INTERVAL", "500ms",
                "HWAAS_WORKER_DEAD_AFTER", "1s",
                "HWAAS_MAX_ARG_LENGTH", "13",
                "HWAAS_MAX_PAYLOAD_BYTES", "1024",
                "HWAAS_DEADLETTER_MAX", "5",
                "HWAAS_DEADLETTER_MAX_AGE", "36h",
                "HWAAS_WORKER_NAME", "w-1"), "host-abc");
        assertThat(config.threads()).as("threads").isEqualTo(8);
        assertThat(config.batchSize()).as("batch").isEqualTo(1000);
        assertThat(config.blockTimeout()).as("block timeout").isEqualTo(Duration.ofMillis(250));
        assertThat(config.heartbeat()).as("heartbeat").isEqualTo(Duration.ofMillis(500));
        assertThat(config.deadAfter()).as("exactly twice the heartbeat is enough").isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxArgLength()).as("max argument").isEqualTo(13);
        assertThat(config.maxPayloadBytes()).as("max payload").isEqualTo(1024);
        assertThat(config.deadLetterMax()).as("dead-letter cap").isEqualTo(5);
        assertThat(config.deadLetterMaxAge()).as("dead-letter age cap").isEqualTo(Duration.ofHours(36));
        assertThat(config.name()).as("name").isEqualTo("w-1");
    }

    @Test
    void writesThatWaitForReplicasTakeLargerBatches() {
        assertThat(WorkerConfig.fromEnv(env("HWAAS_REDIS_WAIT_REPLICAS", "1"), "host-abc").batchSize())
                .as("default batch under WAIT").isEqualTo(500);
        assertThat(WorkerConfig.fromEnv(env("HWAAS_REDIS_WAIT_REPLICAS", "1", "HWAAS_WORKER_BATCH", "20"), "host-abc")
                .batchSize()).as("a batch set explicitly").isEqualTo(20);
    }

    @Test
    void badThreads() {
        assertRejected("HWAAS_WORKER_THREADS", "0");
        assertRejected("HWAAS_WORKER_THREADS", "65");
        assertRejected("HWAAS_WORKER_THREADS", "two");
    }

    @Test
    void badBatch() {
        assertRejected("HWAAS_WORKER_BATCH", "0");
        assertRejected("HWAAS_WORKER_BATCH", "1001");
    }

    @Test
    void badDurations() {
        assertRejected("HWAAS_WORKER_BLOCK_TIMEOUT", "50ms");
        assertRejected("HWAAS_WORKER_BLOCK_TIMEOUT", "2m");
        assertRejected("HWAAS_HEARTBEAT_INTERVAL", "11s");
        assertRejected("HWAAS_HEARTBEAT_INTERVAL", "1", "HWAAS_WORKER_DEAD_AFTER", "10s");
        assertRejected("HWAAS_WORKER_DEAD_AFTER", "11m");
    }

    @Test
    void deadAfterMustBeTwiceTheHeartbeat() {
        ConfigException e = assertRejected("HWAAS_WORKER_DEAD_AFTER", "1999ms", "HWAAS_HEARTBEAT_INTERVAL", "1s");
        assertThat(e.getMessage()).as("explains the rule").contains("HWAAS_HEARTBEAT_INTERVAL").contains("1000ms");
        assertRejected("HWAAS_WORKER_DEAD_AFTER", "1s");
    }

    @Test
    void badLimits() {
        assertRejected("HWAAS_MAX_ARG_LENGTH", "0");
        assertRejected("HWAAS_MAX_PAYLOAD_BYTES", "1023");
        assertRejected("HWAAS_MAX_PAYLOAD_BYTES", "1048577");
        assertRejected("HWAAS_DEADLETTER_MAX", "0");
    }

    @Test
    void badDeadLetterMaxAge() {
        assertThat(assertRejected("HWAAS_DEADLETTER_MAX_AGE", "0s").getMessage()).as("zero: the range")
                .contains("between 60s and 87600h");
        assertThat(assertRejected("HWAAS_DEADLETTER_MAX_AGE", "-1h").getMessage()).as("negative: the format")
                .contains("not a duration");
        assertThat(assertRejected("HWAAS_DEADLETTER_MAX_AGE", "6 months").getMessage()).as("garbage: the format")
                .contains("not a duration");
        assertRejected("HWAAS_DEADLETTER_MAX_AGE", "87601h");
    }

    @Test
    void badName() {
        assertRejected("HWAAS_WORKER_NAME", "worker:1");
        assertRejected("HWAAS_WORKER_NAME", "w".repeat(65));
    }

    @Test
    void commonSettingsAreValidatedToo() {
        assertRejected("HWAAS_QUEUE", "a b");
    }
}
