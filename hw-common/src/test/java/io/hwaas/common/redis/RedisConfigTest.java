package io.hwaas.common.redis;

import static io.hwaas.common.testing.TestEnv.assertRejected;
import static io.hwaas.common.testing.TestEnv.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisConfigTest {

    @Test
    void thePasswordMayComeFromItsOwnVariable() {
        RedisConfig config = RedisConfig.fromEnv(env("REDIS_URL", "redis://redis:6379/1", "HWAAS_REDIS_PASSWORD", "p@ss/w#rd%"));
        assertThat(config.url().password()).as("password, any characters").isEqualTo("p@ss/w#rd%");
        assertThat(config.url()).as("masked in logs").hasToString("redis://:***@redis:6379/1");
    }

    @Test
    void aPasswordGivenTwiceIsRefusedWithoutShowingIt() {
        ConfigException e = assertRejected("two passwords", "HWAAS_REDIS_PASSWORD", "***",
                () -> RedisConfig.fromEnv(env("REDIS_URL", "redis://:first-secret@redis/1", "HWAAS_REDIS_PASSWORD", "second-secret")));
        assertThat(e.getMessage()).as("message").doesNotContain("first-secret").doesNotContain("second-secret");
    }

    @Test
    void sentinelsAreReadWithTheirDefaultPort() {
        RedisConfig config = RedisConfig.fromEnv(env("REDIS_URL", "redis://hwaas/1",
                "HWAAS_REDIS_SENTINELS", "sentinel-1, sentinel-2:26380,10.0.0.3",
                "HWAAS_REDIS_SENTINEL_PASSWORD", "s3cret", "HWAAS_REDIS_WAIT_REPLICAS", "1"));
        assertThat(config.sentinels().addresses()).as("addresses").containsExactly(
                new RedisConfig.Address("sentinel-1", 26379), new RedisConfig.Address("sentinel-2", 26380),
                new RedisConfig.Address("10.0.0.3", 26379));
        assertThat(config.sentinels().master()).as("the master's name is the URL's host").isEqualTo("hwaas");
        assertThat(config.sentinels().password()).as("Sentinel password").isEqualTo("s3cret");
        assertThat(config.sentinels()).as("no password in toString").asString().doesNotContain("s3cret");
        assertThat(config.waitReplicas()).as("replicas to wait for").isEqualTo(1);
        assertThat(config.waitTimeout()).as("default WAIT timeout").isEqualTo(Duration.ofSeconds(1));
        assertThat(config.describe()).as("described for logs")
                .isEqualTo("master 'hwaas' (database 1) via Sentinels sentinel-1:26379,sentinel-2:26380,10.0.0.3:26379");
    }

    @Test
    void badSentinelSettingsAreRefusedAtStart() {
        assertRejected("not host:port", "HWAAS_REDIS_SENTINELS", "sentinel-1:x",
                () -> RedisConfig.fromEnv(env("REDIS_URL", "redis://hwaas/1", "HWAAS_REDIS_SENTINELS", "sentinel-1:x")));
        assertRejected("empty entry", "HWAAS_REDIS_SENTINELS", "a,,b",
                () -> RedisConfig.fromEnv(env("REDIS_URL", "redis://hwaas/1", "HWAAS_REDIS_SENTINELS", "a,,b")));
        assertRejected("port out of range", "HWAAS_REDIS_SENTINELS", "a:70000",
                () -> RedisConfig.fromEnv(env("REDIS_URL", "redis://hwaas/1", "HWAAS_REDIS_SENTINELS", "a:70000")));
        assertRejected("Sentinel password without Sentinels", "HWAAS_REDIS_SENTINEL_PASSWORD", "***",
                () -> RedisConfig.fromEnv(env("HWAAS_REDIS_SENTINEL_PASSWORD", "x")));
        assertRejected("replicas out of range", "HWAAS_REDIS_WAIT_REPLICAS", "-1",
                () -> RedisConfig.fromEnv(env("HWAAS_REDIS_WAIT_REPLICAS", "-1")));
    }

    @Test
    void dnsTtlDefaultsToFiveSeconds() {
        assertThat(RedisConfig.fromEnv(env()).dnsTtl()).as("default").isEqualTo(Duration.ofSeconds(5));
        assertThat(RedisConfig.fromEnv(env("HWAAS_DNS_TTL", "0s")).dnsTtl()).as("no caching").isZero();
    }
}
