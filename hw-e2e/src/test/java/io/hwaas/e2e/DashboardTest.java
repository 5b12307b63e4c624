package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard, its provisioning and the alert rules, read without Docker. */
class DashboardTest {

    private static JsonNode dashboard;

    @BeforeAll
    static void readDashboard() throws IOException {
        dashboard = new ObjectMapper().readTree(MonitoringFiles.dashboard().toFile());
    }

    @Test
    void dashboardHasUidHwaasAndPanels() {
        assertThat(dashboard.path("uid").asText()).as("dashboard uid").isEqualTo("hwaas");
        assertThat(dashboard.path("title").asText()).as("dashboard title").isNotBlank();
        assertThat(dashboard.path("panels").size()).as("number of panels").isGreaterThan(0);
    }

    @Test
    void everyPanelQueriesThePrometheusDataSource() {
        SoftAssertions softly = new SoftAssertions();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels()) {
            String title = panel.path("title").asText();
            softly.assertThat(ids.add(panel.path("id").asInt(-1))).as("panel '%s' has a unique id", title).isTrue();
            softly.assertThat(panel.path("datasource").path("uid").asText())
                    .as("datasource uid of panel '%s'", title).isEqualTo("prometheus");
            softly.assertThat(panel.path("targets").size()).as("number of targets of panel '%s'", title).isGreaterThan(0);
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                String refId = target.path("refId").asText();
                softly.assertThat(refIds.add(refId)).as("refId %s of panel '%s' is unique", refId, title).isTrue();
                softly.assertThat(target.path("expr").asText()).as("expr of %s in panel '%s'", refId, title).isNotBlank();
                softly.assertThat(target.path("datasource").path("uid").asText("prometheus"))
                        .as("datasource uid of %s in panel '%s'", refId, title).isEqualTo("prometheus");
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
                "Lost in range", "Duplicates and recovery", "Workers up", "Clients", "Memory per container");
        assertThat(exprsByTitle.get("Hello rate vs expected")).as("hello rate panel")
                .contains("hwaas_worker_printed_total", "hwaas_client_logical_clients");
        assertThat(exprsByTitle.get("Print latency")).as("latency panel")
                .contains("histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,")
                .contains("rate(hwaas_print_latency_seconds_bucket[");
        assertThat(exprsByTitle.get("In flight")).as("in-flight panel").contains("redis_key_size{key=~\".+:inflight:.+\"}");
        assertThat(exprsByTitle.get("Lost in range")).as("lost panel").contains("hwaas_client_overflowed_total");
        assertThat(exprsByTitle.get("Failures")).as("failures panel")
                .contains("hwaas_worker_failures_total", "hwaas_client_retries_total");
        assertThat(exprsByTitle.get("Duplicates and recovery")).as("duplicates panel")
                .contains("hwaas_worker_reprinted_total", "hwaas_worker_duplicates_suppressed_total");
    }

    @Test
    void panelsReadOnlyMetricsThatExist() {
        SoftAssertions softly = new SoftAssertions();
        Set<String> all = new LinkedHashSet<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                Set<String> names = MonitoringFiles.metricNames(expr);
                all.addAll(names);
                softly.assertThat(names).as("metrics read by panel '%s': %s", panel.path("title").asText(), expr)
                        .isNotEmpty()
                        .allMatch(MonitoringFiles::isKnownMetric, "exported by HWaaS, redis_exporter or the JVM");
            }
        }
        softly.assertAll();
        assertThat(all).as("metrics read by the dashboard")
                .contains("hwaas_worker_printed_total", "hwaas_print_latency_seconds_bucket", "redis_key_size",
                        "process_resident_memory_bytes", "up");
    }

    @Test
    void alertsFileDefinesTheSixAlertsEachWithAnExpressionAndAnnotations() {
        Map<String, String> rules = MonitoringFiles.alertRules(MonitoringFiles.read(MonitoringFiles.alertsFile()));
        assertThat(rules.keySet()).as("alerts in %s", MonitoringFiles.alertsFile())
                .containsExactlyInAnyOrderElementsOf(MonitoringFiles.ALERTS);
        SoftAssertions softly = new SoftAssertions();
        rules.forEach((name, rule) -> {
            Map<String, List<String>> scalars = MonitoringFiles.scalars(rule);
            softly.assertThat(scalars).as("alert %s has a summary, a description and a severity", name)
                    .containsKeys("summary", "description", "severity");
            String expr = MonitoringFiles.expression(rule);
            softly.assertThat(MonitoringFiles.metricNames(expr)).as("metrics read by alert %s: %s", name, expr)
                    .isNotEmpty()
                    .allMatch(MonitoringFiles::isKnownMetric, "exported by HWaaS, redis_exporter or the JVM");
        });
        softly.assertAll();
    }

    @Test
    void alertsMatchRedisKeysByShapeSoAnyNamespaceAndQueueWork() {
        String alerts = MonitoringFiles.read(MonitoringFiles.alertsFile());
        assertThat(alerts).as("alerts.yml").doesNotContain("resque:", ":hello");
        assertThat(MonitoringFiles.read(MonitoringFiles.dashboard())).as("hwaas.json").doesNotContain("resque:", ":hello\"");
    }

    @Test
    void metricNameExtractionSkipsFunctionsLabelsStringsAndDurations() {
        assertThat(MonitoringFiles.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(hwaas_print_latency_seconds_bucket{job=~\"a|b\"}[$__rate_interval])))"))
                .as("names in a quantile").containsExactly("hwaas_print_latency_seconds_bucket");
        assertThat(MonitoringFiles.metricNames(
                "(sum(rate(x_total[1m])) or vector(0)) < 0.95 * sum(y) and on() sum(y) > 1e3 unless absent(up{job=\"w\"} == 1)"))
                .as("names around operators and keywords").containsExactly("x_total", "y", "up");
        assertThat(MonitoringFiles.metricNames("sum(z) without (instance) offset 5m"))
                .as("names before a trailing label list").containsExactly("z");
        assertThat(MonitoringFiles.withoutGrafanaVariables("rate(a[$__rate_interval]) + increase(b[$__range])"))
                .as("Grafana interval variables replaced").isEqualTo("rate(a[1m]) + increase(b[1m])");
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

        // The compose file is not ours, but the paths above only work if it mounts the files there.
        String compose = MonitoringFiles.read(MonitoringFiles.root().resolve("docker-compose.yml"));
        assertThat(compose).as("docker-compose.yml mounts the monitoring files where the configuration expects them")
                .contains("./monitoring/prometheus:/etc/prometheus")
                .contains("./monitoring/grafana/provisioning:/etc/grafana/provisioning")
                .contains("./monitoring/grafana/dashboards:/etc/grafana/dashboards")
                .contains("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: /etc/grafana/dashboards/"
                        + MonitoringFiles.dashboard().getFileName());
    }

    @Test
    void prometheusFindsReplicasThroughDockerDns() {
        Map<String, List<String>> config = MonitoringFiles.scalars(
                MonitoringFiles.read(MonitoringFiles.prometheusDir().resolve("prometheus.yml")));
        assertThat(config.get("job_name")).as("scrape jobs")
                .containsExactlyInAnyOrder("hwaas-worker", "hwaas-client", "redis", "prometheus");
        assertThat(config.get("names")).as("DNS names looked up").containsExactly("[hw-worker]", "[hw-client, hw-client-rest]");
        assertThat(config.get("type")).as("DNS record types").containsOnly("A");
        assertThat(config.get("port")).as("scrape ports of the replicas").containsOnly("9400");
        assertThat(config.get("scrape_interval")).as("scrape interval").containsExactly("5s");
        assertThat(config.get("target_label")).as("relabelled labels").contains("instance");
        assertThat(MonitoringFiles.read(MonitoringFiles.prometheusDir().resolve("prometheus.yml")))
                .as("prometheus.yml").contains("redis-exporter:9121").contains("- alerts.yml");
    }

    private static List<JsonNode> panels() {
        return MonitoringFiles.panels(dashboard);
    }
}
