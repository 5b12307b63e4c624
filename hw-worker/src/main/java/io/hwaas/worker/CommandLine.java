package io.hwaas.worker;

import io.hwaas.common.config.Env;
import java.util.Arrays;
import java.util.Map;

/** The little argument parsing the operator commands need: {@code --name value} and {@code --flag}. */
public final class CommandLine {
    private CommandLine() {
    }

    /** The value after {@code name}, or {@code fallback} when it is absent. */
    public static String value(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** Whether {@code name} is among the arguments. */
    public static boolean has(String[] args, String name) {
        return Arrays.asList(args).contains(name);
    }

    /**
     * The whole number after {@code name}, or {@code fallback} when it is absent.
     *
     * @throws io.hwaas.common.config.ConfigException naming the option when the value is not a
     *     whole number from {@code min} to {@code max}
     */
    public static int number(String[] args, String name, int fallback, int min, int max) {
        String value = value(args, name, null);
        return value == null ? fallback : new Env(Map.of(name, value)).integer(name, fallback, min, max);
    }
}
