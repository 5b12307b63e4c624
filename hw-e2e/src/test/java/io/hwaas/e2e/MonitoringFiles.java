package io.hwaas.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.runtime.MetricsServer;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring profile's files (monitoring/), and just enough reading of them for the tests:
 * alert names and expressions out of the rules file, which alerts the rule tests fire and which
 * they keep quiet, and metric names, label matchers and grouping labels out of PromQL. The YAML
 * is read line by line rather than parsed, to keep hw-e2e free of a YAML library; the files are
 * ours and keep to the simple shapes this understands.
 */
final class MonitoringFiles {

    static final List<String> ALERTS = List.of(
            "HelloRateBelowExpected", "PrintLatencyHigh", "ClientsDroppingHellos", "QueueNotDraining", "InFlightStuck",
            "NoLiveWorker", "ServiceStalled", "DeadLetterNotEmpty", "DeadLettersLost", "RedisDown", "RedisNodeDown",
            "RedisReplicasMissing", "RedisFailover", "RedisMemoryHigh", "RedisPersistenceFailing", "SentinelDown");

    /** The redis_exporter metrics the monitoring reads; a name outside these is more likely a typo than new. */
    static final Set<String> REDIS_EXPORTER_METRICS = Set.of(
            "redis_up", "redis_key_size", "redis_memory_used_bytes", "redis_memory_max_bytes", "redis_connected_clients",
            "redis_commands_processed_total", "redis_db_keys", "redis_instance_info", "redis_connected_slaves",
            "redis_aof_last_write_status", "redis_rdb_last_bgsave_status");

    /** JVM and process basics (names that vary by platform), and what Prometheus makes itself. */
    private static final Pattern JVM_OR_PROMETHEUS = Pattern.compile(
            "jvm_memory_[a-z_]+|jvm_threads_[a-z_]+|jvm_runtime_info|process_cpu_seconds_total"
                    + "|process_resident_memory_bytes|up");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    // Possessive, so that "rate(" cannot match as "rat"; the look-behind keeps "e3" in 1e3 and
    // "__range" in $__range from counting.
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of(
            "and", "or", "unless", "bool", "offset", "atan2", "group_left", "group_right", "inf", "nan");
    private static final Pattern SELECTOR = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern GRAFANA_INTERVAL = Pattern.compile("\\$__(?:rate_interval|interval|range)\\b|\\$\\{__(?:rate_interval|interval|range)}");
    private static final Pattern GRAFANA_JOB = Pattern.compile("\\$job\\b|\\$\\{job}");

    private static final Pattern ALERT = Pattern.compile("^\\s*-\\s+alert:\\s*(\\S+)\\s*$");
    private static final Pattern EXPR = Pattern.compile("^(\\s*)expr:\\s*(.*?)\\s*$");
    private static final Pattern SCALAR = Pattern.compile("^\\s*(?:-\\s+)?([A-Za-z_][\\w.]*):\\s*(.*?)\\s*$");
    private static final Pattern TEST_ALERTNAME = Pattern.compile("^\\s*alertname:\\s*(\\S+)\\s*$");
    private static final Pattern TEST_EXPECTED = Pattern.compile("^\\s*exp_alerts:\\s*(.*?)\\s*$");

    /** One selector of a PromQL expression: {@code name{label op "value", ...}}. */
    record Selector(String metric, List<LabelMatcher> matchers) {
    }

    /** One label matcher, {@code label op "value"}. */
    record LabelMatcher(String label, String op, String value) {
    }

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

    static Path alertmanagerDir() {
        return root().resolve("monitoring/alertmanager");
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

    /**
     * The metric names the services export, read from the product itself: the worker's, the
     * client's and the metrics endpoint's registrations, scraped from a real endpoint.
     */
    static Set<String> productMetrics() {
        PrometheusRegistry registry = new PrometheusRegistry();
        new WorkerMetrics(registry);
        new ClientMetrics(registry, () -> 0, 1, Duration.ofSeconds(1));
        try (MetricsServer server = MetricsServer.start(0, registry, () -> true)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
            Set<String> names = new TreeSet<>();
            response.body().lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape the services' metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static boolean isKnownMetric(Set<String> product, String name) {
        return product.contains(name) || REDIS_EXPORTER_METRICS.contains(name) || JVM_OR_PROMETHEUS.matcher(name).matches();
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

    /** Every query of the dashboard by "panel title / refId", as Prometheus can run it. */
    static Map<String, String> dashboardQueries(JsonNode dashboard) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(),
                        withoutGrafanaVariables(target.path("expr").asText()));
            }
        }
        return queries;
    }

    /** Every alert's expression by name. */
    static Map<String, String> alertExpressions() {
        Map<String, String> exprs = new LinkedHashMap<>();
        alertRules(read(alertsFile())).forEach((name, rule) -> exprs.put(name, expression(rule)));
        return exprs;
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

    /** The selectors with label matchers in a PromQL expression, e.g. {@code up{job="redis"}}. */
    static List<Selector> selectors(String promql) {
        List<Selector> selectors = new ArrayList<>();
        Matcher m = SELECTOR.matcher(promql);
        while (m.find()) {
            List<LabelMatcher> matchers = new ArrayList<>();
            Matcher lm = MATCHER.matcher(m.group(2));
            while (lm.find()) {
                matchers.add(new LabelMatcher(lm.group(1), lm.group(2), lm.group(3).replace("\\\\", "\\")));
            }
            selectors.add(new Selector(m.group(1), matchers));
        }
        return selectors;
    }

    /** The labels named in by, without, on, ignoring and group_ clauses. */
    static Set<String> groupingLabels(String promql) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = LABEL_LIST.matcher(STRING.matcher(promql).replaceAll("\"\""));
        while (m.find()) {
            for (String label : m.group(1).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        return labels;
    }

    /** A Grafana expression as Prometheus can run it: the interval variables become 1m, $job every job. */
    static String withoutGrafanaVariables(String expr) {
        return GRAFANA_JOB.matcher(GRAFANA_INTERVAL.matcher(expr).replaceAll("1m")).replaceAll(".+");
    }

    /**
     * For each alert the rule tests name, whether a case expects it to fire ("firing") and whether one
     * expects it quiet ("quiet"), from alerts.test.yml's alertname / exp_alerts pairs.
     */
    static Map<String, Set<String>> ruleTestOutcomes(String testYaml) {
        Map<String, Set<String>> outcomes = new LinkedHashMap<>();
        String alert = null;
        for (String line : testYaml.split("\n")) {
            Matcher name = TEST_ALERTNAME.matcher(line);
            if (name.matches()) {
                alert = name.group(1);
                continue;
            }
            Matcher expected = TEST_EXPECTED.matcher(line);
            if (expected.matches() && alert != null) {
                outcomes.computeIfAbsent(alert, a -> new TreeSet<>()).add("[]".equals(expected.group(1)) ? "quiet" : "firing");
                alert = null;
            }
        }
        return outcomes;
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
