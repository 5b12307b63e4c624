package io.hwaas.worker;

import java.util.Arrays;

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
}
