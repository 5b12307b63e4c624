package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitoring profile for real: promtool on the configuration and the alert unit tests, then
 * {@code ./hwaas --monitoring 2 5}, and Prometheus' HTTP API to check that it finds every
 * replica and that every dashboard and alert query runs on live data.
 * Grafana is left out (HWAAS_GRAFANA=off); its dashboard's queries are run against Prometheus.
 */
class MonitoringIT {

    private static final int WORKERS = 2;
    private static final int CLIENTS = 5;
    private static final Duration TARGETS_TIMEOUT = Duration.ofSeconds(90);
    private static final int PROMETHEUS_PORT = freeLocalPort();
    // One logical client per container, whatever the caller's environment says: 5 clients, 5 targets.
    private static final Stack STACK = Stack.create("monitoring-it", Map.of("HWAAS_GRAFANA", "off",
            "HWAAS_PROMETHEUS_PORT", Integer.toString(PROMETHEUS_PORT), "HWAAS_CLIENTS_PER_CONTAINER", "1"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static Path root;
    /** Set once ./hwaas has been run: from then on there may be something to tear down. */
    private static boolean stackLaunched;
    /** Why the stack did not come up, so the remaining tests fail fast with the same reason. */
    private static AssertionError stackFailure;
    private static boolean stackReady;

    @BeforeAll
    static void requireDockerAndImages() throws Exception {
        root = MonitoringFiles.root();
        Command.Result info = STACK.docker(Duration.ofSeconds(60), "info", "--format", "{{.ServerVersion}}");
        assertThat(info.exit()).as("MonitoringIT needs a running Docker engine, but `docker info` failed:%n%s", info.all())
                .isZero();
        List<String> missing = new ArrayList<>();
        for (String variable : List.of("HWAAS_PROMETHEUS_IMAGE", "HWAAS_REDIS_EXPORTER_IMAGE", "HWAAS_REDIS_IMAGE")) {
            String image = image(variable);
            if (STACK.docker(Duration.ofSeconds(30), "image", "inspect", image).exit() != 0) {
                missing.add(variable + "=" + image);
            }
        }
        assertThat(missing).as("images MonitoringIT needs but this Docker host does not have. Pull them, or where no "
                + "registry can be reached build local stand-ins and export their names: "
                + ".ci/standins && eval \"$(.ci/standins --env)\"").isEmpty();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (stackLaunched) {
            STACK.close();
        }
    }

    @Test
    void promtoolAcceptsTheConfigurationAndTheAlertUnitTests() {
        Command.Result config = promtool("check", "config", "/etc/prometheus/prometheus.yml");
        assertThat(config.exit()).as("promtool check config:%n%s", config.all()).isZero();
        assertThat(config.all()).as("promtool check config found the rules").contains("6 rules found");

        Command.Result rules = promtool("test", "rules", "/etc/prometheus/alerts.test.yml");
        assertThat(rules.exit()).as("promtool test rules alerts.test.yml:%n%s", rules.all()).isZero();
        assertThat(rules.all()).as("promtool test rules output").contains("SUCCESS");
    }

    @Test
    void prometheusFindsEveryReplicaThroughDockerDns() {
        ensureStack();
        JsonNode targets = get("/api/v1/targets?state=active").path("data").path("activeTargets");
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode target : targets) {
            JsonNode labels = target.path("labels");
            String job = labels.path("job").asText();
            if (job.startsWith("hwaas-")) {
                softly.assertThat(labels.path("instance").asText()).as("instance label of a %s target is its address", job)
                        .matches(IPV4);
                softly.assertThat(labels.path("service").asText()).as("service label of a %s target", job)
                        .isIn("hw-worker", "hw-client", "hw-client-rest");
            }
        }
        softly.assertAll();
        assertThat(upTargets(targets)).as("targets up, by job")
                .containsEntry("hwaas-worker", WORKERS)
                .containsEntry("hwaas-client", CLIENTS)
                .containsEntry("redis", 1)
                .containsEntry("prometheus", 1);
    }

    @Test
    void prometheusSeesTheWorkersPrint() {
        ensureStack();
        await("workers print hellos", Duration.ofSeconds(60), () -> assertThat(query("sum(hwaas_worker_printed_total) > 0")
                .path("data").path("result").size()).as("series of sum(hwaas_worker_printed_total) > 0").isEqualTo(1));
    }

    @Test
    void everyDashboardQueryEvaluates() throws IOException {
        ensureStack();
        Map<String, String> queries = new LinkedHashMap<>();
        JsonNode dashboard = JSON.readTree(MonitoringFiles.dashboard().toFile());
        for (JsonNode panel : MonitoringFiles.panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(),
                        MonitoringFiles.withoutGrafanaVariables(target.path("expr").asText()));
            }
        }
        assertThat(queries).as("dashboard queries").isNotEmpty();
        SoftAssertions softly = new SoftAssertions();
        queries.forEach((name, expr) -> {
            JsonNode response = query(expr);
            softly.assertThat(response.path("status").asText()).as("panel %s: %s -> %s", name, expr, response).isEqualTo("success");
        });
        softly.assertAll();
        // On a running stack every panel has something to show; an empty one has a wrong name or label.
        await("every dashboard query returns data", Duration.ofSeconds(60), () -> {
            SoftAssertions data = new SoftAssertions();
            queries.forEach((name, expr) -> data.assertThat(query(expr).path("data").path("result").size())
                    .as("series returned for panel %s: %s", name, expr).isPositive());
            data.assertAll();
        });
    }

    @Test
    void everyAlertRuleIsLoadedAndEvaluates() {
        ensureStack();
        await("Prometheus evaluated every alert rule", Duration.ofSeconds(60), () -> {
            Map<String, JsonNode> rules = alertRules();
            assertThat(rules.keySet()).as("alert rules Prometheus loaded").containsExactlyInAnyOrderElementsOf(MonitoringFiles.ALERTS);
            SoftAssertions softly = new SoftAssertions();
            rules.forEach((name, rule) -> softly.assertThat(rule.path("health").asText())
                    .as("health of %s (%s)", name, rule.path("lastError").asText()).isEqualTo("ok"));
            softly.assertAll();
        });
        SoftAssertions softly = new SoftAssertions();
        MonitoringFiles.alertRules(MonitoringFiles.read(MonitoringFiles.alertsFile())).forEach((name, rule) -> {
            String expr = MonitoringFiles.expression(rule);
            JsonNode response = query(expr);
            softly.assertThat(response.path("status").asText()).as("alert %s: %s -> %s", name, expr, response).isEqualTo("success");
        });
        softly.assertAll();
    }

    @Test
    void noAlertFiresOnAHealthyStack() {
        ensureStack();
        // HelloRateBelowExpected may be pending at first, while the rate's minute still covers the start.
        await("every alert inactive", Duration.ofSeconds(150), () -> {
            SoftAssertions softly = new SoftAssertions();
            alertRules().forEach((name, rule) -> softly.assertThat(rule.path("state").asText())
                    .as("state of %s on a healthy stack; alerts: %s", name, rule.path("alerts")).isEqualTo("inactive"));
            softly.assertAll();
        });
    }

    @Test
    void everyMetricTheMonitoringReadsIsExported() throws IOException {
        ensureStack();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode panel : MonitoringFiles.panels(JSON.readTree(MonitoringFiles.dashboard().toFile()))) {
            panel.path("targets").forEach(t -> names.addAll(MonitoringFiles.metricNames(t.path("expr").asText())));
        }
        MonitoringFiles.alertRules(MonitoringFiles.read(MonitoringFiles.alertsFile()))
                .values().forEach(rule -> names.addAll(MonitoringFiles.metricNames(MonitoringFiles.expression(rule))));
        await("every metric read has series", Duration.ofSeconds(60), () -> {
            SoftAssertions softly = new SoftAssertions();
            for (String name : names) {
                softly.assertThat(query("count({__name__=\"" + name + "\"})").path("data").path("result").size())
                        .as("series named %s in Prometheus", name).isPositive();
            }
            softly.assertAll();
        });
    }

    // ---- The stack -------------------------------------------------------------------------

    private static synchronized void ensureStack() {
        if (stackFailure != null) {
            throw stackFailure;
        }
        if (stackReady) {
            return;
        }
        try {
            startStack();
            stackReady = true;
        } catch (AssertionError e) {
            stackFailure = e;
            throw e;
        }
    }

    private static void startStack() {
        stackLaunched = true;
        Command.Result up = run(() -> STACK.hwaasRun(Duration.ofMinutes(15), "--monitoring", "-d",
                Integer.toString(WORKERS), Integer.toString(CLIENTS)));
        if (up.exit() != 0) {
            fail("./hwaas --monitoring -d %d %d failed (exit %d):%n%s", WORKERS, CLIENTS, up.exit(), up.all());
        }
        try {
            await("Prometheus scrapes " + WORKERS + " workers and " + CLIENTS + " clients", TARGETS_TIMEOUT, () -> {
                JsonNode targets = get("/api/v1/targets?state=active").path("data").path("activeTargets");
                assertThat(upTargets(targets)).as("targets up, by job; all active targets: %s", targets)
                        .containsEntry("hwaas-worker", WORKERS)
                        .containsEntry("hwaas-client", CLIENTS)
                        .containsEntry("redis", 1)
                        .containsEntry("prometheus", 1);
                assertThat(targets.size()).as("active targets (all of them up)").isEqualTo(WORKERS + CLIENTS + 2);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n\n" + diagnostics(), e);
        }
    }

    private static String diagnostics() {
        return "compose ps:\n" + run(() -> STACK.compose(Duration.ofMinutes(1), "--profile", "monitoring", "--profile",
                "packing", "ps")).all()
                + "\nlogs:\n" + run(() -> STACK.compose(Duration.ofMinutes(1), "logs", "--tail=30", "prometheus",
                "redis-exporter")).all();
    }

    private static Map<String, Integer> upTargets(JsonNode targets) {
        Map<String, Integer> up = new LinkedHashMap<>();
        for (JsonNode target : targets) {
            if ("up".equals(target.path("health").asText())) {
                up.merge(target.path("labels").path("job").asText(), 1, Integer::sum);
            }
        }
        return up;
    }

    private static Map<String, JsonNode> alertRules() {
        Map<String, JsonNode> rules = new LinkedHashMap<>();
        for (JsonNode group : get("/api/v1/rules?type=alert").path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.put(rule.path("name").asText(), rule);
            }
        }
        return rules;
    }

    // ---- Prometheus' HTTP API, on 127.0.0.1 only ---------------------------------------------

    private static JsonNode query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** The parsed body, errors included (Prometheus answers bad queries with 400 and a JSON error). */
    private static JsonNode get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PROMETHEUS_PORT + pathAndQuery))
                .timeout(Duration.ofSeconds(15)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            // An assertion, so that polling retries while Prometheus starts and reports the cause at the end.
            throw new AssertionError("Prometheus on 127.0.0.1:" + PROMETHEUS_PORT + " did not answer " + pathAndQuery + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void await(String what, Duration timeout, ThrowingRunnable assertion) {
        try {
            Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofSeconds(2)).untilAsserted(assertion);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + timeout.toSeconds() + "s: " + e.getMessage(), e);
        }
    }

    // ---- Docker ------------------------------------------------------------------------------

    private static Command.Result promtool(String... args) {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--entrypoint", "promtool",
                "-v", MonitoringFiles.prometheusDir() + ":/etc/prometheus:ro", image("HWAAS_PROMETHEUS_IMAGE")));
        command.addAll(List.of(args));
        return run(() -> STACK.docker(Duration.ofMinutes(2), command.toArray(new String[0])));
    }

    /** The image compose will use: the variable if set, else compose's default for it. */
    private static String image(String variable) {
        String value = System.getenv(variable);
        if (value != null && !value.isBlank()) {
            return value;
        }
        String composeFile = MonitoringFiles.read(root.resolve("docker-compose.yml"));
        Matcher m = Pattern.compile("\\$\\{" + variable + ":-([^}]+)}").matcher(composeFile);
        if (m.find()) {
            return m.group(1);
        }
        return fail("docker-compose.yml has no default for %s; set it", variable);
    }

    private static int freeLocalPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free local port for Prometheus", e);
        }
    }

    private interface DockerCall {
        Command.Result run() throws Exception;
    }

    /** Runs a command, turning a failure to run it into an assertion error naming it. */
    private static Command.Result run(DockerCall command) {
        try {
            return command.run();
        } catch (Exception e) {
            throw new AssertionError("cannot run a docker command: " + e.getMessage(), e);
        }
    }
}
