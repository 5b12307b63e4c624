package io.hwaas.common.config;

import static io.hwaas.common.testing.TestEnv.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommonConfigTest {

    private static ConfigException assertRejected(String what, String variable, String value, Env env) {
        return TestEnv.assertRejected(what, variable, value, () -> CommonConfig.fromEnv(env));
    }

    @Test
    void defaults() {
        CommonConfig config = CommonConfig.fromEnv(env());
        assertThat(config.redis().url()).as("REDIS_URL").hasToString("redis://localhost:6379/1");
        assertThat(config.redis().url().tls()).as("no TLS by default").isFalse();
        assertThat(config.redis().timeout()).as("HWAAS_REDIS_TIMEOUT").isEqualTo(Duration.ofSeconds(2));
        assertThat(config.redis().caFile()).as("HWAAS_REDIS_CA_FILE").isNull();
        assertThat(config.redis().sentinels()).as("no Sentinels").isNull();
        assertThat(config.redis().waitReplicas()).as("HWAAS_REDIS_WAIT_REPLICAS").isZero();
        assertThat(config.redis().dnsTtl()).as("HWAAS_DNS_TTL").isEqualTo(Duration.ofSeconds(5));
        assertThat(config.clockOffset()).as("HWAAS_CLOCK_OFFSET").isZero();
        assertThat(config.keys()).as("namespace resque, queue hello").isEqualTo(new Keys("resque", "hello"));
        assertThat(config.metricsPort()).as("HWAAS_METRICS_PORT").isEqualTo(9400);
        assertThat(config.auditTtl()).as("HWAAS_AUDIT_TTL").isEqualTo(Duration.ofHours(24));
    }

    @Test
    void valuesAreRead() {
        CommonConfig config = CommonConfig.fromEnv(env(
                "REDIS_URL", "redis://:pw@redis:6380/3",
                "HWAAS_REDIS_TIMEOUT", "500ms",
                "HWAAS_NAMESPACE", "ns",
                "HWAAS_QUEUE", "greetings",
                "HWAAS_METRICS_PORT", "0",
                "HWAAS_AUDIT_TTL", "2h",
                "HWAAS_LOG_FORMAT", "JSON",
                "HWAAS_LOG_LEVEL", "debug"));
        assertThat(config.redis().url().port()).as("REDIS_URL port").isEqualTo(6380);
        assertThat(config.redis().url().password()).as("REDIS_URL password").isEqualTo("pw");
        assertThat(config.redis().timeout()).as("timeout").isEqualTo(Duration.ofMillis(500));
        assertThat(config.keys().queue()).as("queue key").isEqualTo("ns:queue:greetings");
        assertThat(config.metricsPort()).as("0 turns metrics off").isZero();
        assertThat(config.auditTtl()).as("audit TTL").isEqualTo(Duration.ofHours(2));
    }

    @Test
    void badQueue() {
        assertRejected("queue with a colon", "HWAAS_QUEUE", "a:b", env("HWAAS_QUEUE", "a:b"));
        assertRejected("queue with a glob", "HWAAS_QUEUE", "hel*", env("HWAAS_QUEUE", "hel*"));
    }

    @Test
    void badNamespace() {
        assertRejected("namespace with a space", "HWAAS_NAMESPACE", "my ns", env("HWAAS_NAMESPACE", "my ns"));
    }

    @Test
    void badLogFormat() {
        ConfigException e = assertRejected("log format", "HWAAS_LOG_FORMAT", "xml", env("HWAAS_LOG_FORMAT", "xml"));
        assertThat(e.getMessage()).as("lists the formats").contains("text").contains("json");
    }

    @Test
    void badLogLevel() {
        assertRejected("log level", "HWAAS_LOG_LEVEL", "verbose", env("HWAAS_LOG_LEVEL", "verbose"));
    }

    @Test
    void badRedisUrlIsReportedWithoutItsPassword() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> CommonConfig.fromEnv(env("REDIS_URL", "http://u:hunter2@redis")));
        assertThat(e).as("throws ConfigException").isNotNull();
        assertThat(e.variable()).as("variable()").isEqualTo("REDIS_URL");
        assertThat(e.getMessage()).as("password masked").doesNotContain("hunter2");
    }

    @Test
    void badNumbersAndDurations() {
        assertRejected("metrics port", "HWAAS_METRICS_PORT", "65536", env("HWAAS_METRICS_PORT", "65536"));
        assertRejected("timeout too short", "HWAAS_REDIS_TIMEOUT", "10ms", env("HWAAS_REDIS_TIMEOUT", "10ms"));
        assertRejected("audit TTL without unit", "HWAAS_AUDIT_TTL", "24", env("HWAAS_AUDIT_TTL", "24"));
        assertRejected("audit TTL too long", "HWAAS_AUDIT_TTL", "721h", env("HWAAS_AUDIT_TTL", "721h"));
    }

    @Test
    void caFileMustExist(@TempDir Path dir) {
        String missing = dir.resolve("missing-ca.pem").toString();
        ConfigException e = assertRejected("missing CA file", "HWAAS_REDIS_CA_FILE", missing,
                env("REDIS_URL", "rediss://redis:6380", "HWAAS_REDIS_CA_FILE", missing));
        assertThat(e.getMessage()).as("says the file is missing").contains("file");
    }

    @Test
    void caFileNeedsATlsUrl(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        ConfigException e = assertRejected("CA file with redis://", "HWAAS_REDIS_CA_FILE", ca.toString(),
                env("REDIS_URL", "redis://redis:6379", "HWAAS_REDIS_CA_FILE", ca.toString()));
        assertThat(e.getMessage()).as("points at rediss://").contains("rediss://");
    }

    @Test
    void caFileWithTlsUrlIsKept(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        CommonConfig config = CommonConfig.fromEnv(env("REDIS_URL", "rediss://redis:6380",
                "HWAAS_REDIS_CA_FILE", ca.toString()));
        assertThat(config.redis().caFile()).as("CA file").isEqualTo(ca);
        assertThat(config.redis().url().tls()).as("tls").isTrue();
    }
}
