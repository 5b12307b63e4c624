package io.hwaas.common.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The variables the product reads, from {@code variables.txt} next to this class: the one list
 * that the services, {@code ./hwaas} and the configuration reference agree on. It exists so that
 * a misspelt variable ({@code HWAAS_WORKER_THREAD=8}) is reported instead of silently ignored.
 */
public final class Variables {
    private static final Map<String, String> KNOWN = load();

    private Variables() {
    }

    /**
     * Every known variable and who reads it ({@code services}, {@code worker}, {@code client},
     * {@code hwaas}, {@code swarm}).
     */
    public static Map<String, String> known() {
        return KNOWN;
    }

    /**
     * The {@code HWAAS_*} names in {@code env} that nothing reads, each with the closest known
     * name (or {@code null} when none is close), in name order.
     */
    public static Map<String, String> unknown(Map<String, String> env) {
        Map<String, String> unknown = new LinkedHashMap<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("HWAAS_") && !KNOWN.containsKey(name)) {
                unknown.put(name, closest(name));
            }
        }
        return unknown;
    }

    /**
     * One warning for each {@code HWAAS_*} name in {@code env} that nothing reads, naming the
     * closest known one: what the services log at start, and what {@code hw-worker variables}
     * prints for {@code ./hwaas} before it starts a stack.
     */
    public static List<String> warnings(Map<String, String> env) {
        List<String> warnings = new ArrayList<>();
        unknown(env).forEach((name, closest) -> warnings.add(name + " is not a variable HWaaS reads"
                + (closest == null ? "" : " (did you mean " + closest + "?)") + "; it has no effect"));
        return warnings;
    }

    /** The known name nearest to {@code name} by edit distance, if within a third of its length. */
    static String closest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : KNOWN.keySet()) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Map<String, String> load() {
        Map<String, String> known = new LinkedHashMap<>();
        try (InputStream in = Variables.class.getResourceAsStream("variables.txt")) {
            if (in == null) {
                throw new IllegalStateException("variables.txt is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>(reader.lines().toList());
            for (String line : lines) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] fields = trimmed.split("\\s+");
                known.put(fields[0], fields.length > 1 ? fields[1] : "services");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(known);
    }
}
