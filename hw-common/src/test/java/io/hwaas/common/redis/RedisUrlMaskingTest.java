package io.hwaas.common.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hwaas.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RedisUrlMaskingTest {

    @Test
    void maskHidesAPasswordWithAnUnencodedSlash() {
        assertThat(RedisUrl.mask("redis://:pa/ss@redis")).as(":password with '/'").doesNotContain("pa/ss");
        assertThat(RedisUrl.mask("redis://alice:pa/ss@redis")).as("user:password with '/'").doesNotContain("pa/ss");
        assertThat(RedisUrl.mask("redis://pa/ss@redis")).as("password-only with '/'").doesNotContain("pa/ss");
    }

    @Test
    void maskHidesAPasswordWithAnUnencodedAt() {
        assertThat(RedisUrl.mask("redis://alice:p@ss@redis")).as("user:password with '@'").doesNotContain("ss@");
    }

    @Test
    void maskHidesAPasswordInAValueWithoutAnAt() {
        assertThat(RedisUrl.mask("redis://:hunter2")).as(":password and no host").isEqualTo("redis://:***");
        assertThat(RedisUrl.mask("redis://alice:hunter2")).as("user:password and no host").isEqualTo("redis://alice:***");
        assertThat(RedisUrl.mask("redis://:hunter2/1")).as("with a database").doesNotContain("hunter2");
        assertThat(RedisUrl.mask("hunter2@redis:6379")).as("no scheme").isEqualTo("***@redis:6379");
    }

    @Test
    void maskKeepsWhatIsNoSecret() {
        assertThat(RedisUrl.mask("redis://redis:6379/1")).as("host and port").isEqualTo("redis://redis:6379/1");
        assertThat(RedisUrl.mask("redis://alice:pw@redis:6379/1")).as("user kept, password gone")
                .isEqualTo("redis://alice:***@redis:6379/1");
    }

    @Test
    void parseErrorForAPasswordWithAnUnencodedSlashDoesNotLeakIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RedisUrl.parse("REDIS_URL", "redis://:hunter/2@redis:6379/1"));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.getMessage()).as("message").doesNotContain("hunter/2");
    }
}
