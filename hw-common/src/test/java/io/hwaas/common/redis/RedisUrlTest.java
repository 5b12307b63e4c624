package io.hwaas.common.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hwaas.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RedisUrlTest {

    private static RedisUrl parse(String value) {
        return RedisUrl.parse("REDIS_URL", value);
    }

    /** Parses a bad URL; the error must name the variable and never carry the password. */
    private static ConfigException assertRejected(String what, String value, String password) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(value));
        assertThat(e).as(what + ": throws ConfigException").isNotNull();
        assertThat(e.variable()).as(what + ": variable()").isEqualTo("REDIS_URL");
        assertThat(e.getMessage()).as(what + ": names the variable").contains("REDIS_URL");
        if (password != null) {
            assertThat(e.getMessage()).as(what + ": password masked").doesNotContain(password).contains("***");
        } else {
            assertThat(e.getMessage()).as(what + ": names the value").contains(value);
        }
        return e;
    }

    @Test
    void theDefault() {
        RedisUrl url = parse(RedisUrl.DEFAULT);
        assertThat(url.tls()).as("tls").isFalse();
        assertThat(url.host()).as("host").isEqualTo("localhost");
        assertThat(url.port()).as("port").isEqualTo(6379);
        assertThat(url.user()).as("user").isNull();
        assertThat(url.password()).as("password").isNull();
        assertThat(url.database()).as("database").isEqualTo(1);
        assertThat(url).as("toString round-trips").hasToString("redis://localhost:6379/1");
    }

    @Test
    void redissMeansTls() {
        RedisUrl url = parse("rediss://cache.example.com:6380/2");
        assertThat(url.tls()).as("tls").isTrue();
        assertThat(url.host()).as("host").isEqualTo("cache.example.com");
        assertThat(url.port()).as("port").isEqualTo(6380);
        assertThat(url.database()).as("database").isEqualTo(2);
        assertThat(url.toString()).as("toString keeps the scheme").startsWith("rediss://");
    }

    @Test
    void userAndPassword() {
        RedisUrl url = parse("redis://alice:s3cret@redis:6379/0");
        assertThat(url.user()).as("user").isEqualTo("alice");
        assertThat(url.password()).as("password").isEqualTo("s3cret");
        assertThat(url.toString()).as("toString").isEqualTo("redis://alice:***@redis:6379/0").doesNotContain("s3cret");
    }

    @Test
    void passwordOnlyWithEmptyUser() {
        RedisUrl url = parse("redis://:s3cret@redis");
        assertThat(url.user()).as("user").isNull();
        assertThat(url.password()).as("password").isEqualTo("s3cret");
        assertThat(url.toString()).as("toString").doesNotContain("s3cret").contains("***");
    }

    @Test
    void passwordOnlyInTheOldFormWithoutColon() {
        RedisUrl url = parse("redis://s3cret@redis");
        assertThat(url.user()).as("user").isNull();
        assertThat(url.password()).as("a lone userinfo is the password").isEqualTo("s3cret");
        assertThat(url.toString()).as("toString").doesNotContain("s3cret");
    }

    @Test
    void userWithoutPassword() {
        RedisUrl url = parse("redis://alice:@redis");
        assertThat(url.user()).as("user").isEqualTo("alice");
        assertThat(url.password()).as("an empty password is none").isNull();
        assertThat(url).as("toString").hasToString("redis://alice@redis:6379/0");
    }

    @Test
    void urlEncodedPasswordIsDecoded() {
        RedisUrl url = parse("redis://bob:p%40ss%3Aw%2Fo+rd%25@redis");
        assertThat(url.user()).as("user").isEqualTo("bob");
        assertThat(url.password()).as("%40 %3A %2F %25 decoded; '+' is a literal plus, not a space")
                .isEqualTo("p@ss:w/o+rd%");
        assertThat(url.toString()).as("toString").doesNotContain("p@ss").doesNotContain("p%40ss");
    }

    @Test
    void portAndDatabaseDefaults() {
        RedisUrl url = parse("redis://redis");
        assertThat(url.port()).as("default port").isEqualTo(6379);
        assertThat(url.database()).as("default database").isEqualTo(0);
        assertThat(parse("redis://redis/").database()).as("a bare slash is database 0").isEqualTo(0);
        assertThat(parse("redis://redis/15").database()).as("highest database").isEqualTo(15);
    }

    @Test
    void badScheme() {
        ConfigException http = assertRejected("http", "http://redis:6379", null);
        assertThat(http.getMessage()).as("names the accepted schemes").contains("redis://").contains("rediss://");
        assertRejected("no scheme", "redis:6379", null);
        assertRejected("bare host", "localhost", null);
        assertRejected("scheme only", "redis://", null);
    }

    @Test
    void missingHost() {
        assertRejected("no host", "redis:///1", null);
        assertRejected("no host with credentials", "redis://u:s3cret@:6379/1", "s3cret");
    }

    @Test
    void badPort() {
        ConfigException zero = assertRejected("port 0", "redis://redis:0", null);
        assertThat(zero.getMessage()).as("says the port range").contains("port");
        assertRejected("port too big", "redis://u:s3cret@redis:65536", "s3cret");
        assertRejected("port not a number", "redis://u:s3cret@redis:abc", "s3cret");
    }

    @Test
    void badDatabase() {
        ConfigException word = assertRejected("db not a number", "redis://redis/abc", null);
        assertThat(word.getMessage()).as("names the bad database").contains("'abc'");
        assertRejected("db with two segments", "redis://redis/1/2", null);
    }

    @Test
    void databaseOutOfRange() {
        ConfigException e = assertRejected("db 16", "redis://redis/16", null);
        assertThat(e.getMessage()).as("says the range").contains("0").contains("15");
        assertRejected("db -1", "redis://redis/-1", null);
    }

    @Test
    void queryStringsAndFragmentsAreRefused() {
        assertRejected("query", "redis://redis/1?timeout=5", null);
        assertRejected("query with credentials", "redis://u:s3cret@redis/1?ssl=true", "s3cret");
        assertRejected("fragment", "redis://redis/1#x", null);
    }

    @Test
    void unsetIsRequired() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(null));
        assertThat(e).as("null value").isNotNull();
        assertThat(e.getMessage()).as("says unset").contains("REDIS_URL").contains("(unset)");
    }

    @Test
    void notAUrlMasksThePassword() {
        assertRejected("space in authority", "redis://u:s3cret@re dis", "s3cret");
        assertRejected("bad escape", "redis://u:s3%zzcret@redis", "s3%zzcret");
    }

    @Test
    void maskHidesThePasswordInEachForm() {
        assertThat(RedisUrl.mask("redis://alice:s3cret@redis:6379/1")).as("user:password")
                .isEqualTo("redis://alice:***@redis:6379/1");
        assertThat(RedisUrl.mask("redis://:s3cret@redis")).as(":password").isEqualTo("redis://:***@redis");
        assertThat(RedisUrl.mask("redis://s3cret@redis")).as("password-only").isEqualTo("redis://***@redis");
        assertThat(RedisUrl.mask("rediss://alice:p%40ss@redis/1")).as("encoded password")
                .isEqualTo("rediss://alice:***@redis/1");
        assertThat(RedisUrl.mask("redis://redis:6379/1")).as("nothing to hide").isEqualTo("redis://redis:6379/1");
    }

    @Test
    void toStringNeverShowsThePassword() {
        for (String value : new String[] {"redis://alice:s3cret@redis/1", "redis://:s3cret@redis",
                "redis://s3cret@redis", "rediss://alice:s3cret@redis:6380/3"}) {
            RedisUrl url = parse(value);
            assertThat(url.toString()).as("toString of " + value).doesNotContain("s3cret").contains("***");
        }
    }
}
