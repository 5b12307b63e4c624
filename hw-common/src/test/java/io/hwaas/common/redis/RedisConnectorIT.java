package io.hwaas.common.redis;

import static io.hwaas.common.testing.TestEnv.env;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.testcontainers.images.builder.Transferable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Logging in to real Redis servers: TLS with a CA of our own, ACL users, wrong passwords, replicas. */
class RedisConnectorIT {

    @TempDir
    Path dir;

    private static RedisConnector connector(String... env) {
        return RedisConnector.of(RedisConfig.fromEnv(env(env)), "connector-it");
    }

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
            String url = "rediss://localhost:" + redis.port() + "/3";
            try (Jedis jedis = connector("REDIS_URL", url, "HWAAS_REDIS_CA_FILE", ca.toString()).open(Duration.ZERO)) {
                jedis.set("over-tls", "yes");
                assertThat(jedis.get("over-tls")).as("a round trip over TLS").isEqualTo("yes");
            }

            Path otherCa = Files.writeString(dir.resolve("other.pem"), TestCertificates.generate("Someone else").caPem);
            RedisConnector untrusting = connector("REDIS_URL", url, "HWAAS_REDIS_CA_FILE", otherCa.toString());
            assertThatThrownBy(() -> untrusting.open(Duration.ZERO)).as("a server signed by a CA we do not trust")
                    .isInstanceOf(JedisConnectionException.class);

            assertThatThrownBy(() -> connector("REDIS_URL", "redis://localhost:" + redis.port() + "/3").open(Duration.ZERO))
                    .as("plain text to a TLS port").isInstanceOf(JedisConnectionException.class);
        }
    }

    @Test
    void logsInAsAnAclUserAndTellsAWrongPasswordApart() {
        try (TestRedis redis = TestRedis.start()) {
            redis.exec("redis-cli", "ACL", "SETUSER", "hwaas", "on", ">s3cret", "~*", "&*", "+@all");
            try (Jedis jedis = connector("REDIS_URL", "redis://hwaas:s3cret@localhost:" + redis.port() + "/2")
                    .open(Duration.ZERO)) {
                assertThat(jedis.aclWhoAmI()).as("logged-in user").isEqualTo("hwaas");
            }
            assertThatThrownBy(() -> connector("REDIS_URL", "redis://hwaas:wrong@localhost:" + redis.port() + "/2")
                    .open(Duration.ZERO))
                    .as("wrong password").isInstanceOf(JedisDataException.class)
                    .satisfies(e -> assertThat(RedisFailure.of(e)).as("classified").isEqualTo(RedisFailure.CREDENTIALS));
        }
    }

    @Test
    void thePasswordCanComeFromItsOwnVariableOrAFileWithAnyCharacters() throws Exception {
        // Characters that would break, or silently change, a password written inside a URL.
        String password = "p@ss/w:rd#?%41+";
        Path file = Files.writeString(dir.resolve("password"), password + "\n");
        try (TestRedis redis = TestRedis.start("--requirepass", password)) {
            String url = "redis://localhost:" + redis.port() + "/0";
            try (Jedis jedis = connector("REDIS_URL", url, "HWAAS_REDIS_PASSWORD", password).open(Duration.ZERO)) {
                assertThat(jedis.ping()).as("HWAAS_REDIS_PASSWORD").isEqualTo("PONG");
            }
            try (Jedis jedis = connector("REDIS_URL", url, "HWAAS_REDIS_PASSWORD_FILE", file.toString()).open(Duration.ZERO)) {
                assertThat(jedis.ping()).as("HWAAS_REDIS_PASSWORD_FILE, trailing newline ignored").isEqualTo("PONG");
            }
        }
    }

    @Test
    void aReplicaIsNotTakenForThePrimary() {
        try (TestRedis primary = TestRedis.start(); TestRedis replica = TestRedis.start()) {
            // The replica follows nothing reachable; what matters is its role.
            replica.exec("redis-cli", "REPLICAOF", "127.0.0.1", "1");
            assertThatThrownBy(() -> connector("REDIS_URL", "redis://localhost:" + replica.port() + "/0").open(Duration.ZERO))
                    .as("connecting to a replica").isInstanceOf(RedisConnector.RedisUnavailable.class)
                    .hasMessageContaining("replica");
            try (Jedis jedis = connector("REDIS_URL", "redis://localhost:" + primary.port() + "/0").open(Duration.ZERO)) {
                assertThat(jedis.ping()).as("the primary").isEqualTo("PONG");
            }
        }
    }

    @Test
    void aWrongPasswordIsRetriedWithBackoffAndLoggedOnce() throws Exception {
        try (TestRedis redis = TestRedis.start("--requirepass", "right")) {
            Logger logger = (Logger) LoggerFactory.getLogger(RedisSession.class);
            ListAppender<ILoggingEvent> events = new ListAppender<>();
            events.start();
            logger.addAppender(events);
            long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            RedisSession session = RedisSession.to(connector("REDIS_URL", "redis://:wrong@localhost:" + redis.port() + "/0"),
                    "a test").build();
            try {
                Jedis jedis = session.connected(() -> System.nanoTime() < deadline);
                assertThat(jedis).as("no connection with a wrong password").isNull();
            } finally {
                logger.detachAppender(events);
                session.close();
            }
            // Backoff for credentials starts at 5 s: two or three tries in 12 s, not hundreds.
            assertThat(events.list.stream().filter(e -> e.getLevel() == Level.DEBUG).count() + 1)
                    .as("attempts in 12 s").isBetween(2L, 5L);
            assertThat(events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList())
                    .as("log lines for the same wrong password").hasSize(1)
                    .allSatisfy(e -> {
                        assertThat(e.getLevel()).as("level").isEqualTo(Level.ERROR);
                        assertThat(e.getFormattedMessage()).as("message")
                                .contains("refused the credentials", "REDIS_URL", "WRONGPASS").doesNotContain("wrong@");
                    });

            try (Jedis jedis = connector("REDIS_URL", "redis://:right@localhost:" + redis.port() + "/0").open(Duration.ZERO)) {
                assertThat(jedis.ping()).as("the right password").isEqualTo("PONG");
            }
        }
    }
}
