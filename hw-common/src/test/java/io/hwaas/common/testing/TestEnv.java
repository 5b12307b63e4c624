package io.hwaas.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Environments for configuration tests, and the failure contract every setting must keep. */
public final class TestEnv {
    private TestEnv() {
    }

    /** An environment of {@code name, value} pairs. */
    public static Env env(String... pairs) {
        Map<String, String> vars = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return new Env(vars);
    }

    /** Asserts that {@code call} fails with a ConfigException naming {@code variable} and {@code value}. */
    public static ConfigException assertRejected(String what, String variable, String value, ThrowingCallable call) {
        ConfigException e = catchThrowableOfType(ConfigException.class, call);
        assertThat(e).as(what + ": throws ConfigException").isNotNull();
        assertThat(e.variable()).as(what + ": variable()").isEqualTo(variable);
        assertThat(e.getMessage()).as(what + ": message names the variable and the value")
                .contains(variable)
                .contains("'" + value + "'");
        return e;
    }
}
