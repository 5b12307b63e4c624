package io.hwaas.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwaas.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    private static final String[] ARGS = {"--count", "12", "--json", "--threads", "x"};

    @Test
    void readsValuesAndFlags() {
        assertThat(CommandLine.value(ARGS, "--count", "1")).isEqualTo("12");
        assertThat(CommandLine.value(ARGS, "--out", "/tmp/x")).isEqualTo("/tmp/x");
        assertThat(CommandLine.has(ARGS, "--json")).isTrue();
        assertThat(CommandLine.has(ARGS, "--quick")).isFalse();
        assertThat(CommandLine.number(ARGS, "--count", 1, 0, 100)).isEqualTo(12);
        assertThat(CommandLine.number(ARGS, "--runs", 3, 1, 100)).isEqualTo(3);
    }

    @Test
    void refusesANumberThatIsNotOneOrOutOfRangeNamingTheOption() {
        assertThatThrownBy(() -> CommandLine.number(ARGS, "--threads", 1, 1, 64))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--threads='x'")
                .hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> CommandLine.number(ARGS, "--count", 1, 20, 100))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--count='12'")
                .hasMessageContaining("between 20 and 100");
    }
}
