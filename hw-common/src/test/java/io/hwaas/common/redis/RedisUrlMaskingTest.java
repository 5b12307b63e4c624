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
    void parseErrorForAPasswordWithAnUnencodedSlashDoesNotLeakIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RedisUrl.parse("REDIS_URL", "redis://:hunter/2@redis:6379/1"));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.getMessage()).as("message").doesNotContain("hunter/2");
    }
}
