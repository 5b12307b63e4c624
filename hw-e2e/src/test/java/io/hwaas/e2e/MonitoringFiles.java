package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring profile's files (monitoring/), and just enough reading of them for the tests:
 * alert names and expressions out of the rules file, and metric names out of PromQL. The YAML is
 * read line by line rather than parsed, to keep hw-e2e free of a YAML library; the files are
 * ours and keep to the simple shapes this understands.
 */
final class MonitoringFiles {

    static final List<String> ALERTS = List.of(
            "HelloRateBelowExpected", "QueueGrowing", "DeadLetterNotEmpty", "NoLiveWorker", "RedisDown",
            "ClientsDroppingHellos");

    /** What the product exports (see the worker's and client's metrics classes). */
    static final Set<String> PRODUCT_METRICS = Set.of(
            "hwaas_worker_printed_total",
            "hwaas_worker_duplicates_suppressed_total",
            "hwaas_worker_reprinted_total",
            "hwaas_worker_deadlettered_total",
            "hwaas_worker_failures_total",
            "hwaas_worker_recovered_total",
            "hwaas_print_latency_seconds_bucket",
            "hwaas_print_latency_seconds_sum",
            "hwaas_print_latency_seconds_count",
            "hwaas_client_ticks_total",
            "hwaas_client_submitted_total",
            "hwaas_client_retries_total",
            "hwaas_client_overflowed_total",
            "hwaas_client_buffered",
            "hwaas_client_logical_clients");

    /** The redis_exporter metrics the monitoring reads; a name outside these is more likely a typo than new. */
    static final Set<String> REDIS_EXPORTER_METRICS = Set.of(
            "redis_up", "redis_key_size", "redis_memory_used_bytes", "redis_memory_max_bytes",
            "redis_connected_clients", "redis_commands_processed_total", "redis_db_keys");

    /** JVM and process basics from the Prometheus Java client's instrumentation, and Prometheus' own up. */
    private static final Pattern JVM_OR_PROMETHEUS = Pattern.compile(
            "jvm_memory_[a-z_]+|jvm_threads_[a-z_]+|jvm_runtime_info|process_cpu_seconds_total"
                    + "|process_resident_memory_bytes|up");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    // Possessive, so that "rate(" cannot match as "rat"; the look-behind keeps "e3" in 1e3 and
    // "__range" in $__range from counting.
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of(
            "and", "or", "unless", "bool", "offset", "atan2", "group_left", "group_right", "inf", "nan");
    private static final Pattern GRAFANA_INTERVAL = Pattern.compile("\\$__(?:rate_interval|interval|range)\\b|\\$\\{__(?:rate_interval|interval|range)}");

    private static final Pattern ALERT = Pattern.compile("^\\s*-\\s+alert:\\s*(\\S+)\\s*$");
    private static final Pattern EXPR = Pattern.compile("^(\\s*)expr:\\s*(.*?)\\s*$");
    private static final Pattern SCALAR = Pattern.compile("^\\s*(?:-\\s+)?([A-Za-z_][\\w.]*):\\s*(.*?)\\s*$");

    private MonitoringFiles() {
    }

    /**
     * The repository root: the {@code hwaas.root} property (set for failsafe by hw-e2e's pom), else
     * the parent of the module directory, which is where surefire runs.
     */
    static Path root() {
        return Repository.root();
    }

    static Path prometheusDir() {
        return root().resolve("monitoring/prometheus");
    }

    static Path grafanaDir() {
        return root().resolve("monitoring/grafana");
    }

    static Path dashboard() {
        return grafanaDir().resolve("dashboards/hwaas.json");
    }

    static Path alertsFile() {
        return prometheusDir().resolve("alerts.yml");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every panel of a Grafana dashboard, including those nested in rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        collectPanels(dashboard.path("panels"), panels);
        return panels;
    }

    // Collapsed rows hold their panels; a query hidden in one must be checked too.
    private static void collectPanels(JsonNode nodes, List<JsonNode> into) {
        for (JsonNode node : nodes) {
            if ("row".equals(node.path("type").asText())) {
                collectPanels(node.path("panels"), into);
            } else {
                into.add(node);
            }
        }
    }

    static boolean isKnownMetric(String name) {
        return PRODUCT_METRICS.contains(name) || REDIS_EXPORTER_METRICS.contains(name)
                || JVM_OR_PROMETHEUS.matcher(name).matches();
    }

    /** The metric names a PromQL expression selects, in order of appearance. */
    static Set<String> metricNames(String promql) {
        String stripped = STRING.matcher(promql).replaceAll("\"\"");
        stripped = MATCHERS.matcher(stripped).replaceAll("{}");
        stripped = RANGE.matcher(stripped).replaceAll("[]");
        stripped = LABEL_LIST.matcher(stripped).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase(Locale.ROOT))) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** A Grafana expression as Prometheus can run it: the interval variables become 1m. */
    static String withoutGrafanaVariables(String expr) {
        return GRAFANA_INTERVAL.matcher(expr).replaceAll("1m");
    }

    /** Alert name to the text of its rule (from its "- alert:" line up to the next rule). */
    static Map<String, String> alertRules(String yaml) {
        Map<String, String> rules = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : yaml.split("\n", -1)) {
            Matcher m = ALERT.matcher(line);
            boolean otherRule = line.matches("^\\s*-\\s+(record|name):.*");
            if (m.matches() || otherRule) {
                if (name != null) {
                    rules.put(name, body.toString());
                }
                name = m.matches() ? m.group(1) : null;
                body.setLength(0);
            }
            body.append(line).append('\n');
        }
        if (name != null) {
            rules.put(name, body.toString());
        }
        return rules;
    }

    /** The value of the rule's expr, inline or as a block scalar. */
    static String expression(String rule) {
        String[] lines = rule.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = EXPR.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String value = m.group(2);
            if (!value.matches("[|>][+-]?")) {
                return unquote(value);
            }
            int indent = m.group(1).length();
            List<String> block = new ArrayList<>();
            for (int j = i + 1; j < lines.length; j++) {
                String next = lines[j];
                if (!next.isBlank() && next.length() - next.stripLeading().length() <= indent) {
                    break;
                }
                block.add(next.strip());
            }
            return String.join("\n", block).strip();
        }
        return "";
    }

    /** Every "key: value" line's key with its values, in order; enough for flat checks of small YAML files. */
    static Map<String, List<String>> scalars(String yaml) {
        Map<String, List<String>> scalars = new LinkedHashMap<>();
        for (String line : yaml.split("\n")) {
            if (line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher m = SCALAR.matcher(line);
            if (m.matches() && !m.group(2).isEmpty()) {
                scalars.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(unquote(m.group(2)));
            }
        }
        return scalars;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
                || value.startsWith("\"") && value.endsWith("\""))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
