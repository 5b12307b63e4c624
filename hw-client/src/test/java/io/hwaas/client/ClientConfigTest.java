package io.hwaas.client;

import static io.hwaas.common.testing.TestEnv.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.testing.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {

    private static void assertRejected(String variable, String value) {
        TestEnv.assertRejected(variable + "=" + value, variable, value,
                () -> ClientConfig.fromEnv(env(variable, value), "client-host"));
    }

    @Test
    void defaults() {
        ClientConfig config = ClientConfig.fromEnv(env(), "client-host");
        assertThat(config.common().redis().url()).as("common settings read").hasToString("redis://localhost:6379/1");
        assertThat(config.ledgerDir()).as("no ledger unless asked").isNull();
        assertThat(config.clientsPerContainer()).as("clients per container").isEqualTo(1);
        assertThat(config.interval()).as("a hello a second").isEqualTo(Duration.ofSeconds(1));
        assertThat(config.bufferCapacity()).as("an hour of hellos").isEqualTo(3600);
        assertThat(config.flushTimeout()).as("flush timeout").isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idPrefix()).as("id prefix").isEqualTo("client-host");
    }

    @Test
    void valuesAreRead() {
        ClientConfig config = ClientConfig.fromEnv(env(
                "HWAAS_CLIENTS_PER_CONTAINER", "50",
                "HWAAS_CLIENT_INTERVAL", "10ms",
                "HWAAS_CLIENT_BUFFER", "1",
                "HWAAS_CLIENT_FLUSH_TIMEOUT", "0s",
                "HWAAS_CLIENT_ID", "c.1_x"), "client-host");
        assertThat(config.clientsPerContainer()).as("clients per container").isEqualTo(50);
        assertThat(config.interval()).as("interval").isEqualTo(Duration.ofMillis(10));
        assertThat(config.bufferCapacity()).as("buffer").isEqualTo(1);
        assertThat(config.flushTimeout()).as("zero flush timeout is allowed").isEqualTo(Duration.ZERO);
        assertThat(config.idPrefix()).as("id prefix").isEqualTo("c.1_x");
    }

    @Test
    void badClientsPerContainer() {
        assertRejected("HWAAS_CLIENTS_PER_CONTAINER", "0");
        assertRejected("HWAAS_CLIENTS_PER_CONTAINER", "10001");
        assertRejected("HWAAS_CLIENTS_PER_CONTAINER", "many");
    }

    @Test
    void badInterval() {
        assertRejected("HWAAS_CLIENT_INTERVAL", "0ms");
        assertRejected("HWAAS_CLIENT_INTERVAL", "2h");
        assertRejected("HWAAS_CLIENT_INTERVAL", "1");
    }

    @Test
    void badBuffer() {
        assertRejected("HWAAS_CLIENT_BUFFER", "0");
        assertRejected("HWAAS_CLIENT_BUFFER", "10000001");
        assertRejected("HWAAS_CLIENT_BUFFER", "-1");
    }

    @Test
    void badFlushTimeout() {
        assertRejected("HWAAS_CLIENT_FLUSH_TIMEOUT", "6m");
        assertRejected("HWAAS_CLIENT_FLUSH_TIMEOUT", "soon");
    }

    @Test
    void badClientId() {
        assertRejected("HWAAS_CLIENT_ID", "my client");
        assertRejected("HWAAS_CLIENT_ID", "c:1");
    }

    @Test
    void anAuditTtlThatCannotCoverTheLongestHeldHelloIsRefused() {
        // An hour between hellos and an hour's worth of them held: 150 days, against a 24 h TTL.
        ConfigException e = TestEnv.assertRejected("a TTL too short", "HWAAS_AUDIT_TTL", "24h",
                () -> ClientConfig.fromEnv(env("HWAAS_CLIENT_INTERVAL", "1h", "HWAAS_AUDIT_TTL", "24h"), "client-host"));
        assertThat(e.getMessage()).as("names what it must cover").contains("HWAAS_CLIENT_BUFFER", "HWAAS_CLIENT_INTERVAL");
        TestEnv.assertRejected("a TTL too short for the buffer", "HWAAS_AUDIT_TTL", "2h",
                () -> ClientConfig.fromEnv(env("HWAAS_AUDIT_TTL", "2h", "HWAAS_CLIENT_BUFFER", "7200"), "client-host"));
        assertThat(ClientConfig.fromEnv(env("HWAAS_AUDIT_TTL", "2h", "HWAAS_CLIENT_BUFFER", "3600"), "client-host")
                .common().auditTtl()).as("an hour held plus an hour's margin fits in 2h").isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aLedgerDirectoryMustBeAWritableDirectory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertRejected("HWAAS_CLIENT_LEDGER_DIR", file.toString());
        assertRejected("HWAAS_CLIENT_LEDGER_DIR", dir.resolve("missing").toString());
        assertThat(ClientConfig.fromEnv(env("HWAAS_CLIENT_LEDGER_DIR", dir.toString()), "h").ledgerDir())
                .as("a directory").isEqualTo(dir);
    }

    @Test
    void commonSettingsAreValidatedToo() {
        assertRejected("HWAAS_LOG_FORMAT", "yaml");
    }
}
