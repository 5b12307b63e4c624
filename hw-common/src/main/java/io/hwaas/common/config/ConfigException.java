package io.hwaas.common.config;

/**
 * A configuration value that cannot be used. The message always names the variable and the
 * offending value, so that a service that refuses to start says exactly what to fix.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String variable;
    private final String problem;

    /**
     * @param variable the environment variable that holds the bad value
     * @param value the value as given (secrets must be masked by the caller)
     * @param problem what is wrong and, where useful, what is expected
     */
    public ConfigException(String variable, String value, String problem) {
        super(variable + "=" + quote(value) + ": " + problem);
        this.variable = variable;
        this.problem = problem;
    }

    /** What is wrong, without the variable and value. */
    public String problem() {
        return problem;
    }

    /** The environment variable at fault. */
    public String variable() {
        return variable;
    }

    private static String quote(String value) {
        return value == null ? "(unset)" : "'" + value + "'";
    }
}
