package io.hwaas.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, validated reads of environment variables. Every reader takes the default that applies
 * when the variable is unset or blank, and throws {@link ConfigException} naming the variable and
 * its value when the value cannot be used.
 */
public final class Env {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private final Map<String, String> vars;

    /** @param vars the environment, usually {@code System.getenv()} */
    public Env(Map<String, String> vars) {
        this.vars = Objects.requireNonNull(vars, "vars");
    }

    /** This environment with {@code name} set to {@code value} (a benchmark's worker with its own thread count, say). */
    public Env with(String name, String value) {
        Map<String, String> changed = new java.util.HashMap<>(vars);
        changed.put(name, value);
        return new Env(changed);
    }

    /** The raw value, or {@code null} when unset or blank. */
    public String raw(String name) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * A secret given either directly in {@code name} or as a file named by {@code name_FILE}
     * (a Docker or Kubernetes secret mounted as a file; one trailing line break is ignored).
     *
     * @return the secret, or {@code null} when neither is set
     */
    public String secret(String name) {
        String direct = raw(name);
        String file = raw(name + "_FILE");
        if (direct != null && file != null) {
            throw new ConfigException(name + "_FILE", file, "set either " + name + " or " + name + "_FILE, not both");
        }
        if (file == null) {
            return direct;
        }
        try {
            String value = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                    : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            if (value.isEmpty()) {
                throw new ConfigException(name + "_FILE", file, "the file is empty");
            }
            return value;
        } catch (IOException e) {
            throw new ConfigException(name + "_FILE", file, "cannot read the file: " + e.getMessage());
        }
    }

    /** A string value, or the default when unset. */
    public String string(String name, String defaultValue) {
        String value = raw(name);
        return value == null ? defaultValue : value;
    }

    /**
     * A name used inside Redis keys (queue, namespace, client id): letters, digits and
     * {@code . _ -} only, so that it can never split or collide with the key layout.
     */
    public String keyPart(String name, String defaultValue) {
        String value = string(name, defaultValue);
        if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(name, value,
                    "use 1 to 64 letters, digits, '.', '_' or '-' (it becomes part of Redis keys)");
        }
        return value;
    }

    /** An integer within {@code [min, max]}. */
    public int integer(String name, int defaultValue, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new ConfigException(name, value, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, value, "not a whole number (expected " + min + ".." + max + ")");
        }
    }

    /**
     * A duration written as a whole number with a unit: {@code 500ms}, {@code 2s}, {@code 10m},
     * {@code 24h}; within {@code [min, max]}.
     */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        Duration parsed;
        try {
            parsed = parseDuration(value, min, max);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
        return parsed;
    }

    /**
     * Parses a duration written as {@link #duration} reads it ({@code 500ms}, {@code 2s},
     * {@code 10m}, {@code 24h}), for values that come from elsewhere than the environment, such
     * as a command-line option.
     *
     * @throws IllegalArgumentException saying what is wrong, when the text is not such a duration
     *     or is not within {@code [min, max]}
     */
    public static Duration parseDuration(String text, Duration min, Duration max) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration; write e.g. 500ms, 2s, 10m or 24h");
        }
        long amount = Long.parseLong(m.group(1));
        Duration parsed = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new IllegalArgumentException("must be between " + formatDuration(min) + " and " + formatDuration(max));
        }
        return parsed;
    }

    /** A duration that may be negative ({@code -10s}), at most {@code limit} either way. */
    public Duration signedDuration(String name, Duration defaultValue, Duration limit) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        boolean negative = value.startsWith("-");
        try {
            Duration magnitude = new Env(Map.of(name, negative ? value.substring(1) : value))
                    .duration(name, defaultValue, Duration.ZERO, limit);
            return negative ? magnitude.negated() : magnitude;
        } catch (ConfigException e) {
            throw new ConfigException(name, value, e.problem() + " (a leading '-' makes it negative)");
        }
    }

    /** One of the given lower-case choices. */
    public String choice(String name, String defaultValue, String... choices) {
        String value = string(name, defaultValue).toLowerCase(Locale.ROOT);
        for (String choice : choices) {
            if (choice.equals(value)) {
                return choice;
            }
        }
        throw new ConfigException(name, raw(name), "must be one of " + String.join(", ", choices));
    }

    /** A duration the way {@link #parseDuration} reads it: {@code 500ms}, {@code 90s}, {@code 24h}. */
    public static String formatDuration(Duration d) {
        long seconds = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        return seconds > 0 && seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds + "s";
    }
}
