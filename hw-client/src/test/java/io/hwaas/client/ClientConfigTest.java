package io.hwaas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    private static Env env(String... pairs) {
        Map<String, String> vars = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return new Env(vars);
    }

    private static void assertRejected(String variable, String value) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ClientConfig.fromEnv(env(variable, value), "client-host"));
        assertThat(e).as(variable + "=" + value + ": throws ConfigException").isNotNull();
        assertThat(e.variable()).as(variable + "=" + value + ": variable()").isEqualTo(variable);
        assertThat(e.getMessage()).as(variable + "=" + value + ": message names the variable and the value")
                .contains(variable)
                .contains("'" + value + "'");
    }

    @Test
    void defaults() {
        ClientConfig config = ClientConfig.fromEnv(env(), "client-host");
        assertThat(config.common().redis()).as("common settings read").hasToString("redis://localhost:6379/1");
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
    void commonSettingsAreValidatedToo() {
        assertRejected("HWAAS_LOG_FORMAT", "yaml");
    }
}
