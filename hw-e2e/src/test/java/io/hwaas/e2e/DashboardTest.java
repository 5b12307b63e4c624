package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.config.Variables;
import io.hwaas.common.hello.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard, its provisioning, the alert rules and their tests, read without Docker. */
class DashboardTest {

    private static final Pattern AGGREGATED = Pattern.compile(
            "^\\(?\\s*(sum|max|min|avg|count|histogram_quantile)\\b.*", Pattern.DOTALL);
    private static JsonNode dashboard;
    private static Set<String> product;

    @BeforeAll
    static void readDashboardAndTheProductsMetrics() throws IOException {
        dashboard = new ObjectMapper().readTree(MonitoringFiles.dashboard().toFile());
        product = MonitoringFiles.productMetrics();
    }

    @Test
    void dashboardIsOnGrafana12sSchema() {
        assertThat(dashboard.path("uid").asText()).as("dashboard uid").isEqualTo("hwaas");
        assertThat(dashboard.path("title").asText()).as("dashboard title").isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).as("schemaVersion (Grafana 12's)").isEqualTo(42);
        assertThat(dashboard.path("panels").size()).as("number of panels").isGreaterThan(0);
    }

    @Test
    void dashboardHasDataSourceAndJobVariables() {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v));
        assertThat(variables).as("template variables").containsKeys("datasource", "job");
        assertThat(variables.get("datasource").path("type").asText()).as("datasource variable type").isEqualTo("datasource");
        assertThat(variables.get("datasource").path("query").asText()).as("data sources offered").isEqualTo("prometheus");
        JsonNode job = variables.get("job");
        assertThat(job.path("multi").asBoolean() && job.path("includeAll").asBoolean()).as("job: several, or all").isTrue();
        assertThat(job.path("allValue").asText()).as("job's All").isEqualTo(".+");
        String query = job.path("definition").asText();
        assertThat(query).as("job's values").matches("label_values\\(\\w+, job\\)");
        assertThat(product).as("metric the job variable reads (%s)", query)
                .contains(query.replaceAll("label_values\\((\\w+), job\\)", "$1"));
    }

    @Test
    void everyPanelQueriesTheChosenDataSource() {
        SoftAssertions softly = new SoftAssertions();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels()) {
            String title = panel.path("title").asText();
            softly.assertThat(ids.add(panel.path("id").asInt(-1))).as("panel '%s' has a unique id", title).isTrue();
            softly.assertThat(panel.path("datasource").path("uid").asText())
                    .as("datasource of panel '%s'", title).isEqualTo("${datasource}");
            softly.assertThat(panel.path("targets").size()).as("number of targets of panel '%s'", title).isGreaterThan(0);
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                String refId = target.path("refId").asText();
                softly.assertThat(refIds.add(refId)).as("refId %s of panel '%s' is unique", refId, title).isTrue();
                softly.assertThat(target.path("expr").asText()).as("expr of %s in panel '%s'", refId, title).isNotBlank();
                softly.assertThat(target.path("datasource").path("uid").asText())
                        .as("datasource of %s in panel '%s'", refId, title).isEqualTo("${datasource}");
            }
        }
        softly.assertAll();
    }

    @Test
    void dashboardShowsWhatAnOperatorNeeds() {
        Map<String, String> exprsByTitle = new LinkedHashMap<>();
        for (JsonNode panel : panels()) {
            List<String> exprs = new ArrayList<>();
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
            exprsByTitle.put(panel.path("title").asText(), String.join("\n", exprs));
        }
        assertThat(exprsByTitle).as("dashboard panels by title").containsKeys(
                "Hello rate vs expected", "Print latency", "Queue length", "In flight", "Failures", "Dead-lettered",
                "Lost in range", "Duplicates and recovery", "Workers up", "Clients", "Stalled", "Memory by service",
                "Redis memory vs maxmemory", "Redis clients", "Redis commands", "Redis replication");
        assertThat(exprsByTitle.get("Hello rate vs expected")).as("hello rate panel")
                .contains("hwaas_worker_printed_total", "hwaas_client_logical_clients", "hwaas_client_interval_seconds");
        assertThat(exprsByTitle.get("Print latency")).as("latency panel")
                .contains("histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,");
        assertThat(exprsByTitle.get("In flight")).as("in-flight panel").contains("key=~\".+:inflight:.+\"");
        assertThat(exprsByTitle.get("Lost in range")).as("lost panel").contains("hwaas_client_overflowed_total");
        assertThat(exprsByTitle.get("Stalled")).as("stalled panel").contains("hwaas_healthy");
        assertThat(exprsByTitle.get("Redis memory vs maxmemory")).as("Redis memory panel")
                .contains("redis_memory_used_bytes", "redis_memory_max_bytes");
        assertThat(exprsByTitle.get("Redis clients")).as("Redis clients panel").contains("redis_connected_clients");
        assertThat(exprsByTitle.get("Redis commands")).as("Redis commands panel").contains("rate(redis_commands_processed_total");
        assertThat(exprsByTitle.get("Redis replication")).as("Redis replication panel")
                .contains("redis_connected_slaves", "role=\"master\"");
    }

    @Test
    void serviceQueriesFollowTheJobVariableAndAggregateOverReplicas() {
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                softly.assertThat(serviceQueryProblems(expr)).as("panel '%s': %s", panel.path("title").asText(), expr).isEmpty();
            }
        }
        softly.assertAll();
    }

    @Test
    void aQueryWithASeriesPerContainerOrWithoutTheJobVariableIsRejected() {
        assertThat(serviceQueryProblems("process_resident_memory_bytes{job=~\"$job\"}")).as("one series per container")
                .containsExactly("one series per replica: aggregate (sum, max, ... by a label)");
        assertThat(serviceQueryProblems("sum(rate(hwaas_worker_printed_total[1m]))")).as("no job filter")
                .containsExactly("hwaas_worker_printed_total without job=~\"$job\"");
        assertThat(serviceQueryProblems("sum by (service) (process_resident_memory_bytes{job=~\"$job\"})")).as("good").isEmpty();
    }

    @Test
    void panelsReadOnlyMetricsTheProductOrTheExporterExports() {
        SoftAssertions softly = new SoftAssertions();
        Set<String> all = new LinkedHashSet<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                Set<String> names = MonitoringFiles.metricNames(expr);
                all.addAll(names);
                softly.assertThat(names).as("metrics read by panel '%s': %s", panel.path("title").asText(), expr)
                        .isNotEmpty()
                        .allMatch(name -> MonitoringFiles.isKnownMetric(product, name), "exported by HWaaS, redis_exporter or the JVM");
            }
        }
        softly.assertAll();
        assertThat(all).as("metrics read by the dashboard")
                .contains("hwaas_worker_printed_total", "hwaas_print_latency_seconds_bucket", "redis_key_size",
                        "process_resident_memory_bytes", "redis_memory_max_bytes", "redis_connected_slaves");
        assertThat(MonitoringFiles.isKnownMetric(product, "hwaas_worker_printed")).as("a misspelt name is unknown").isFalse();
    }

    @Test
    void alertsFileDefinesEveryAlertWithAnExpressionAndAnnotations() {
        Map<String, String> rules = MonitoringFiles.alertRules(MonitoringFiles.read(MonitoringFiles.alertsFile()));
        assertThat(rules.keySet()).as("alerts in %s", MonitoringFiles.alertsFile())
                .containsExactlyInAnyOrderElementsOf(MonitoringFiles.ALERTS);
        SoftAssertions softly = new SoftAssertions();
        rules.forEach((name, rule) -> {
            Map<String, List<String>> scalars = MonitoringFiles.scalars(rule);
            softly.assertThat(scalars).as("alert %s has a summary, a description and a severity", name)
                    .containsKeys("summary", "description", "severity");
            softly.assertThat(scalars.get("severity")).as("severity of %s", name).containsAnyOf("warning", "critical");
            String expr = MonitoringFiles.expression(rule);
            softly.assertThat(MonitoringFiles.metricNames(expr)).as("metrics read by alert %s: %s", name, expr)
                    .isNotEmpty()
                    .allMatch(metric -> MonitoringFiles.isKnownMetric(product, metric), "exported by HWaaS, redis_exporter or the JVM");
        });
        softly.assertAll();
    }

    @Test
    void everyAlertHasARuleTestThatFiresItAndOneThatKeepsItQuiet() {
        Map<String, Set<String>> outcomes = MonitoringFiles.ruleTestOutcomes(
                MonitoringFiles.read(MonitoringFiles.prometheusDir().resolve("alerts.test.yml")));
        SoftAssertions softly = new SoftAssertions();
        for (String alert : MonitoringFiles.ALERTS) {
            softly.assertThat(outcomes.getOrDefault(alert, Set.of())).as("rule test cases of %s in alerts.test.yml", alert)
                    .containsExactlyInAnyOrder("firing", "quiet");
        }
        softly.assertAll();
    }

    @Test
    void ruleTestsWithoutAQuietCaseAreSeen() {
        String onlyFiring = """
                  - name: fires
                    alert_rule_test:
                      - eval_time: 5m
                        alertname: A
                        exp_alerts: &a
                          - exp_labels: {severity: warning}
                      - eval_time: 9m
                        alertname: B
                        exp_alerts: []
                      - eval_time: 9m
                        alertname: A
                        exp_alerts: *a
                """;
        assertThat(MonitoringFiles.ruleTestOutcomes(onlyFiring)).as("outcomes of a file whose A is never quiet")
                .isEqualTo(Map.of("A", Set.of("firing"), "B", Set.of("quiet")));
    }

    @Test
    void keyRegexesSelectOneKindOfTheProductsKeysWhateverTheNamespace() {
        List<String> exprs = new ArrayList<>(MonitoringFiles.alertExpressions().values());
        exprs.addAll(MonitoringFiles.dashboardQueries(dashboard).values());
        Set<String> regexes = new LinkedHashSet<>();
        for (String expr : exprs) {
            for (MonitoringFiles.Selector selector : MonitoringFiles.selectors(expr)) {
                selector.matchers().stream().filter(m -> m.label().equals("key") && m.op().equals("=~"))
                        .forEach(m -> regexes.add(m.value()));
            }
        }
        assertThat(regexes).as("key regexes of the alerts and the dashboard")
                .contains(".+:queue:.+", ".+:inflight:.+", ".+:deadletter");
        SoftAssertions softly = new SoftAssertions();
        for (String regex : regexes) {
            softly.assertThat(keyKindsMatched(regex)).as("kinds of key %s matches", regex).hasSize(1);
        }
        softly.assertAll();
        assertThat(keyKindsMatched(".+:hwaas:.+")).as("a regex matching several kinds").hasSizeGreaterThan(1);
        assertThat(keyKindsMatched(".+:inflight")).as("a regex matching no key").isEmpty();
    }

    @Test
    void alertsMatchRedisKeysByShapeSoAnyNamespaceAndQueueWork() {
        String alerts = MonitoringFiles.read(MonitoringFiles.alertsFile());
        assertThat(alerts).as("alerts.yml").doesNotContain("resque:", ":hello");
        assertThat(MonitoringFiles.read(MonitoringFiles.dashboard())).as("hwaas.json").doesNotContain("resque:", ":hello\"");
    }

    @Test
    void promqlReadingFindsNamesMatchersAndGroupingLabels() {
        assertThat(MonitoringFiles.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(hwaas_print_latency_seconds_bucket{job=~\"a|b\"}[$__rate_interval])))"))
                .as("names in a quantile").containsExactly("hwaas_print_latency_seconds_bucket");
        assertThat(MonitoringFiles.metricNames(
                "(sum(rate(x_total[1m])) or vector(0)) < 0.95 * sum(y) and on() sum(y) > 1e3 unless absent(up{job=\"w\"} == 1)"))
                .as("names around operators and keywords").containsExactly("x_total", "y", "up");
        assertThat(MonitoringFiles.metricNames("sum(z) without (instance) offset 5m"))
                .as("names before a trailing label list").containsExactly("z");
        assertThat(MonitoringFiles.selectors("max by (key) (a{job=\"redis\",key=~\".+:q\"}) > on(instance) b{role!=\"x\"}"))
                .as("selectors with their matchers").containsExactly(
                        new MonitoringFiles.Selector("a", List.of(new MonitoringFiles.LabelMatcher("job", "=", "redis"),
                                new MonitoringFiles.LabelMatcher("key", "=~", ".+:q"))),
                        new MonitoringFiles.Selector("b", List.of(new MonitoringFiles.LabelMatcher("role", "!=", "x"))));
        assertThat(MonitoringFiles.groupingLabels("max by (key, db) (a) >= on(instance) group_left() b"))
                .as("grouping labels").containsExactly("key", "db", "instance");
        assertThat(MonitoringFiles.withoutGrafanaVariables("rate(a{job=~\"$job\"}[$__rate_interval]) + increase(b[$__range])"))
                .as("Grafana variables replaced").isEqualTo("rate(a{job=~\".+\"}[1m]) + increase(b[1m])");
    }

    @Test
    void grafanaProvisioningPointsAtPrometheusAndTheDashboardDirectory() {
        Map<String, List<String>> datasource = MonitoringFiles.scalars(
                MonitoringFiles.read(MonitoringFiles.grafanaDir().resolve("provisioning/datasources/prometheus.yml")));
        assertThat(datasource.get("uid")).as("data source uid").containsExactly("prometheus");
        assertThat(datasource.get("type")).as("data source type").containsExactly("prometheus");
        assertThat(datasource.get("url")).as("data source url").containsExactly("http://prometheus:9090");

        Map<String, List<String>> provider = MonitoringFiles.scalars(
                MonitoringFiles.read(MonitoringFiles.grafanaDir().resolve("provisioning/dashboards/hwaas.yml")));
        assertThat(provider.get("type")).as("dashboard provider type").containsExactly("file");
        assertThat(provider.get("path")).as("dashboard provider path").containsExactly("/etc/grafana/dashboards");

        String compose = MonitoringFiles.read(MonitoringFiles.root().resolve("docker-compose.yml"));
        assertThat(compose).as("docker-compose.yml mounts the monitoring files where the configuration expects them")
                .contains("./monitoring/prometheus:/etc/prometheus")
                .contains("./monitoring/alertmanager:/etc/alertmanager")
                .contains("./monitoring/grafana/provisioning:/etc/grafana/provisioning")
                .contains("./monitoring/grafana/dashboards:/etc/grafana/dashboards")
                .contains("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: /etc/grafana/dashboards/"
                        + MonitoringFiles.dashboard().getFileName());
    }

    @Test
    void prometheusScrapesReplicasByDnsAndRedisNodesThroughTheExporters() {
        String config = MonitoringFiles.read(MonitoringFiles.prometheusDir().resolve("prometheus.yml"));
        Map<String, List<String>> scalars = MonitoringFiles.scalars(config);
        assertThat(scalars.get("job_name")).as("scrape jobs")
                .containsExactly("hwaas-worker", "hwaas-client", "redis", "redis-sentinel", "alertmanager", "prometheus");
        assertThat(scalars.get("names")).as("DNS names looked up").containsExactly("[hw-worker]", "[hw-client, hw-client-rest]");
        assertThat(scalars.get("port")).as("scrape ports of the replicas").containsOnly("9400");
        assertThat(scalars.get("scrape_interval")).as("scrape interval").containsExactly("5s");
        assertThat(scalars.get("metrics_path")).as("Redis nodes and Sentinels through the exporters' multi-target endpoint")
                .containsExactly("/scrape", "/scrape");
        assertThat(scalars.get("replacement")).as("relabelling")
                .contains("redis://$1", "redis-exporter:9121", "sentinel-exporter:9121");
        assertThat(scalars.get("files")).as("target files")
                .containsExactly("[/etc/prometheus/targets/redis.yml]", "[/etc/prometheus/targets/sentinels.yml]");
        assertThat(config).as("prometheus.yml").contains("- alerts.yml").contains("targets: ['alertmanager:9093']");
    }

    @Test
    void targetFilesNameEveryNodeAndSentinelOfEachProfile() {
        String ha = MonitoringFiles.read(MonitoringFiles.root().resolve("docker-compose.ha.yml"));
        List<String> nodes = List.of(MonitoringFiles.scalars(ha).get("HWAAS_NODES").get(0).split(" "));
        List<String> sentinels = List.of(MonitoringFiles.scalars(ha).get("HWAAS_SENTINELS").get(0).split(" "));
        assertThat(targets("targets/redis.yml")).as("the single Redis").containsExactly("redis:6379");
        assertThat(targets("targets/sentinels.yml")).as("no Sentinel without --ha").isEmpty();
        assertThat(targets("targets-ha/redis.yml")).as("every node of docker-compose.ha.yml")
                .containsExactlyElementsOf(nodes.stream().map(n -> n + ":6379").toList());
        assertThat(targets("targets-ha/sentinels.yml")).as("every Sentinel of docker-compose.ha.yml")
                .containsExactlyElementsOf(sentinels.stream().map(s -> s + ":26379").toList());
        assertThat(ha).as("docker-compose.ha.yml gives Prometheus the HA targets")
                .contains("./monitoring/prometheus/targets-ha:/etc/prometheus/targets:ro");
    }

    @Test
    void alertmanagerNotifiesTheReceiverThatTheStackRuns() {
        Map<String, List<String>> config = MonitoringFiles.scalars(
                MonitoringFiles.read(MonitoringFiles.alertmanagerDir().resolve("alertmanager.yml")));
        assertThat(config.get("url")).as("webhook").containsExactly("http://alert-receiver:9095/cgi-bin/alerts");
        String compose = MonitoringFiles.read(MonitoringFiles.root().resolve("docker-compose.yml"));
        assertThat(compose).as("docker-compose.yml runs the receiver")
                .contains("entrypoint: [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"9095\", \"-h\", \"/srv/receiver\"]")
                .contains("./monitoring/alertmanager/receiver:/srv/receiver:ro");
    }

    @Test
    void everyVariableTheComposeFilesReadIsOneHwaasKnows() {
        // Compose's own ${...}; $${...} is the container shell's.
        Set<String> read = new java.util.TreeSet<>();
        for (String file : List.of("docker-compose.yml", "docker-compose.ha.yml")) {
            var m = Pattern.compile("(?<!\\$)\\$\\{(HWAAS_[A-Z0-9_]+)").matcher(MonitoringFiles.read(MonitoringFiles.root().resolve(file)));
            while (m.find()) {
                read.add(m.group(1));
            }
        }
        assertThat(read).as("variables the Compose files read").contains("HWAAS_ALERTMANAGER_IMAGE", "HWAAS_ALERTMANAGER_PORT");
        assertThat(Variables.known().keySet()).as("variables.txt (./hwaas warns about any other)").containsAll(read);
    }

    @Test
    void theReceiverLogsEachNotificationAsOneLine() throws Exception {
        String notification = "{\"receiver\":\"webhook\",\"status\":\"firing\",\"alerts\":[{\"status\":\"resolved\","
                + "\"labels\":{\"alertname\":\"NoLiveWorker\"}}],\"groupLabels\":{\"alertname\":\"NoLiveWorker\"},\"version\":\"4\"}";
        byte[] body = notification.getBytes(StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("sh",
                MonitoringFiles.alertmanagerDir().resolve("receiver/cgi-bin/alerts").toString());
        builder.environment().put("CONTENT_LENGTH", Integer.toString(body.length));
        builder.environment().put("REQUEST_METHOD", "POST");
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(body);
            in.write("trailing bytes past CONTENT_LENGTH".getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the CGI script finishes").isTrue();
        assertThat(out).as("CGI response").startsWith("Content-Type: text/plain\r\n\r\n");
        assertThat(err.lines().toList()).as("log line").singleElement().asString()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ firing NoLiveWorker \\{.*")
                .endsWith(notification);
        assertThat(Files.isExecutable(MonitoringFiles.alertmanagerDir().resolve("receiver/cgi-bin/alerts")))
                .as("httpd runs only executable CGI scripts").isTrue();
    }

    /** What is wrong with a dashboard query about per-replica service metrics, if anything. */
    private static List<String> serviceQueryProblems(String expr) {
        List<String> problems = new ArrayList<>();
        boolean readsServices = false;
        for (String name : MonitoringFiles.metricNames(expr)) {
            if (!product.contains(name) && !name.startsWith("process_")) {
                continue;
            }
            readsServices = true;
            boolean filtered = MonitoringFiles.selectors(expr).stream().filter(s -> s.metric().equals(name))
                    .anyMatch(s -> s.matchers().contains(new MonitoringFiles.LabelMatcher("job", "=~", "$job")));
            if (!filtered) {
                problems.add(name + " without job=~\"$job\"");
            }
        }
        if (readsServices && !AGGREGATED.matcher(expr.strip()).matches()) {
            problems.add("one series per replica: aggregate (sum, max, ... by a label)");
        }
        return problems;
    }

    /** The kinds of key (Keys.named()) a key regex matches, for two namespace and queue pairs. */
    private static Set<String> keyKindsMatched(String regex) {
        Set<String> kinds = new LinkedHashSet<>();
        for (Keys keys : List.of(new Keys("resque", "hello"), new Keys("shop-7", "greetings"))) {
            keys.named().forEach((kind, key) -> {
                if (key.replace("*", "f80f0f4fe970-mwzxakfs.0").matches(regex)) {
                    kinds.add(kind);
                }
            });
        }
        return kinds;
    }

    private static List<String> targets(String file) {
        String text = MonitoringFiles.read(MonitoringFiles.prometheusDir().resolve(file));
        List<String> targets = new ArrayList<>();
        var m = Pattern.compile("'([^']+)'").matcher(text.replaceAll("(?m)^#.*$", ""));
        while (m.find()) {
            targets.add(m.group(1));
        }
        return targets;
    }

    private static List<JsonNode> panels() {
        return MonitoringFiles.panels(dashboard);
    }
}
