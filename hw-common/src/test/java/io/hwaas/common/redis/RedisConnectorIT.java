package io.hwaas.common.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hwaas.common.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.testcontainers.images.builder.Transferable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Logging in to real Redis servers: TLS with a CA of our own, ACL users, wrong passwords. */
class RedisConnectorIT {

    @TempDir
    Path dir;

    @Test
    void connectsOverTlsTrustingTheGivenCaAndRefusesAnotherCa() throws Exception {
        TestCertificates certs = TestCertificates.generate("HWaaS test CA");
        try (TestRedis redis = TestRedis.start(c -> c
                        .withCopyToContainer(Transferable.of(certs.caPem.getBytes(StandardCharsets.US_ASCII), 0644), "/tls/ca.crt")
                        .withCopyToContainer(Transferable.of(certs.serverCertPem.getBytes(StandardCharsets.US_ASCII), 0644), "/tls/server.crt")
                        .withCopyToContainer(Transferable.of(certs.serverKeyPem.getBytes(StandardCharsets.US_ASCII), 0644), "/tls/server.key"),
                "--port", "0", "--tls-port", "6379", "--tls-cert-file", "/tls/server.crt",
                "--tls-key-file", "/tls/server.key", "--tls-ca-cert-file", "/tls/ca.crt", "--tls-auth-clients", "no")) {
            Path ca = Files.writeString(dir.resolve("ca.pem"), certs.caPem);
            RedisUrl url = RedisUrl.parse("REDIS_URL", "rediss://localhost:" + redis.port() + "/3");
            try (Jedis jedis = new RedisConnector(url, Duration.ofSeconds(2), ca, "tls-it").open(Duration.ZERO)) {
                jedis.set("over-tls", "yes");
                assertThat(jedis.get("over-tls")).as("a round trip over TLS").isEqualTo("yes");
            }

            Path otherCa = Files.writeString(dir.resolve("other.pem"), TestCertificates.generate("Someone else").caPem);
            RedisConnector untrusting = new RedisConnector(url, Duration.ofSeconds(2), otherCa, "tls-it");
            assertThatThrownBy(() -> untrusting.open(Duration.ZERO)).as("a server signed by a CA we do not trust")
                    .isInstanceOf(JedisConnectionException.class);

            RedisUrl plain = RedisUrl.parse("REDIS_URL", "redis://localhost:" + redis.port() + "/3");
            assertThatThrownBy(() -> new RedisConnector(plain, Duration.ofSeconds(2), null, "tls-it").open(Duration.ZERO))
                    .as("plain text to a TLS port").isInstanceOf(JedisConnectionException.class);
        }
    }

    @Test
    void logsInAsAnAclUserAndTellsAWrongPasswordApart() {
        try (TestRedis redis = TestRedis.start()) {
            redis.exec("redis-cli", "ACL", "SETUSER", "hwaas", "on", ">s3cret", "~*", "&*", "+@all");
            RedisUrl good = RedisUrl.parse("REDIS_URL", "redis://hwaas:s3cret@localhost:" + redis.port() + "/2");
            try (Jedis jedis = new RedisConnector(good, Duration.ofSeconds(2), null, "acl-it").open(Duration.ZERO)) {
                assertThat(jedis.aclWhoAmI()).as("logged-in user").isEqualTo("hwaas");
            }
            RedisUrl bad = RedisUrl.parse("REDIS_URL", "redis://hwaas:wrong@localhost:" + redis.port() + "/2");
            assertThatThrownBy(() -> new RedisConnector(bad, Duration.ofSeconds(2), null, "acl-it").open(Duration.ZERO))
                    .as("wrong password").isInstanceOf(JedisDataException.class)
                    .satisfies(e -> assertThat(RedisConnector.isAuthFailure(e)).as("classified as credentials").isTrue());
        }
    }

    @Test
    void aWrongPasswordIsRetriedWithBackoffAndLoggedOnce() throws Exception {
        try (TestRedis redis = TestRedis.start("--requirepass", "right")) {
            RedisUrl bad = RedisUrl.parse("REDIS_URL", "redis://:wrong@localhost:" + redis.port() + "/0");
            Logger logger = (Logger) LoggerFactory.getLogger(RedisConnector.class);
            ListAppender<ILoggingEvent> events = new ListAppender<>();
            events.start();
            logger.addAppender(events);
            AtomicInteger attempts = new AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            try {
                Jedis jedis = new RedisConnector(bad, Duration.ofSeconds(2), null, "auth-it")
                        .connect("a test", () -> attempts.incrementAndGet() > 0 && System.nanoTime() < deadline);
                assertThat(jedis).as("no connection with a wrong password").isNull();
            } finally {
                logger.detachAppender(events);
            }
            // Backoff for credentials starts at 5s: three or four tries in 12s, not hundreds.
            assertThat(attempts.get()).as("attempts in 12s").isBetween(2, 5);
            assertThat(events.list).as("log lines for the same wrong password").hasSize(1);
            assertThat(events.list.get(0).getLevel()).as("level").isEqualTo(Level.ERROR);
            assertThat(events.list.get(0).getFormattedMessage()).as("message")
                    .contains("refused the credentials", "REDIS_URL", "WRONGPASS").doesNotContain("wrong@");

            RedisUrl good = RedisUrl.parse("REDIS_URL", "redis://:right@localhost:" + redis.port() + "/0");
            try (Jedis jedis = new RedisConnector(good, Duration.ofSeconds(2), null, "auth-it").open(Duration.ZERO)) {
                assertThat(jedis.ping()).as("the right password").isEqualTo("PONG");
            }
        }
    }
}
