package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.testing.Command;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The monitoring profile for real: promtool and amtool on the configuration and the rule tests,
 * then {@code ./hwaas --ha --monitoring 2 5}, so that every Redis node and Sentinel is scraped.
 * Prometheus' HTTP API shows it finds every replica, that every dashboard and alert query runs on
 * live data, and that every metric, label and label value they select exists. Last, the workers
 * and the Redis primary are stopped, as an operator's bad day would: the alerts reach the stack's
 * receiver through Alertmanager, and losing a node is no RedisDown. Grafana is left out
 * (HWAAS_GRAFANA=off); its dashboard's queries are run against Prometheus.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {

    private static final int WORKERS = 2;
    private static final int CLIENTS = 5;
    private static final int NODES = 3;
    private static final int SENTINELS = 3;
    /** In-flight lists exist only while a batch prints; DashboardTest checks this regex against the key layout. */
    private static final String TRANSIENT_KEYS = ".+:inflight:.+";
    private static final int PROMETHEUS_PORT = freeLocalPort();
    // One logical client per container, whatever the caller's environment says: 5 clients, 5 targets.
    private static final Stack STACK = Stack.create("monitoring-it", Map.of("COMPOSE_FILE", Stack.HA, "HWAAS_GRAFANA", "off",
            "HWAAS_PROMETHEUS_PORT", Integer.toString(PROMETHEUS_PORT),
            "HWAAS_ALERTMANAGER_PORT", Integer.toString(freeLocalPort()), "HWAAS_CLIENTS_PER_CONTAINER", "1"));
    private static final PrometheusApi PROMETHEUS = new PrometheusApi(PROMETHEUS_PORT);
    private static final ObjectMapper JSON = new ObjectMapper();
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
        for (String variable : List.of("HWAAS_PROMETHEUS_IMAGE", "HWAAS_REDIS_EXPORTER_IMAGE", "HWAAS_REDIS_IMAGE",
                "HWAAS_ALERTMANAGER_IMAGE")) {
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
    @Order(1)
    void promtoolAndAmtoolAcceptTheConfigurationAndTheRuleTests() {
        String prometheus = MonitoringFiles.prometheusDir() + ":/etc/prometheus:ro";
        for (List<String> mounts : List.of(List.of(prometheus),
                List.of(prometheus, MonitoringFiles.prometheusDir().resolve("targets-ha") + ":/etc/prometheus/targets:ro"))) {
            Command.Result config = tool("HWAAS_PROMETHEUS_IMAGE", "promtool", mounts, "check", "config", "/etc/prometheus/prometheus.yml");
            assertThat(config.exit()).as("promtool check config with %s:%n%s", mounts, config.all()).isZero();
            assertThat(config.all()).as("promtool check config found the rules")
                    .contains(MonitoringFiles.ALERTS.size() + " rules found");
        }
        Command.Result rules = tool("HWAAS_PROMETHEUS_IMAGE", "promtool", List.of(prometheus), "test", "rules",
                "/etc/prometheus/alerts.test.yml");
        assertThat(rules.exit()).as("promtool test rules alerts.test.yml:%n%s", rules.all()).isZero();
        assertThat(rules.all()).as("promtool test rules output").contains("SUCCESS");
        Command.Result alertmanager = tool("HWAAS_ALERTMANAGER_IMAGE", "amtool",
                List.of(MonitoringFiles.alertmanagerDir() + ":/etc/alertmanager:ro"), "check-config", "/etc/alertmanager/alertmanager.yml");
        assertThat(alertmanager.exit()).as("amtool check-config alertmanager.yml:%n%s", alertmanager.all()).isZero();
    }

    @Test
    @Order(2)
    void prometheusScrapesEveryReplicaEveryRedisNodeAndEverySentinel() {
        ensureStack();
        SoftAssertions softly = new SoftAssertions();
        for (JsonNode target : PROMETHEUS.targets()) {
            JsonNode labels = target.path("labels");
            String job = labels.path("job").asText();
            if (job.startsWith("hwaas-")) {
                softly.assertThat(labels.path("instance").asText()).as("instance label of a %s target is its address", job)
                        .matches(IPV4);
                softly.assertThat(labels.path("service").asText()).as("service label of a %s target", job)
                        .isIn("hw-worker", "hw-client", "hw-client-rest");
            } else if (job.startsWith("redis")) {
                softly.assertThat(labels.path("instance").asText()).as("instance label of a %s target is the node", job)
                        .matches("(redis(-\\d)?:6379|sentinel-\\d:26379)");
            }
        }
        softly.assertAll();
        assertThat(PROMETHEUS.upTargets()).as("targets up, by job").isEqualTo(expectedTargets());
    }

    @Test
    @Order(3)
    void prometheusSeesTheWorkersPrint() {
        ensureStack();
        await("workers print hellos", Duration.ofSeconds(60), () -> assertThat(
                PROMETHEUS.count("sum(hwaas_worker_printed_total) > 0")).as("series of sum(hwaas_worker_printed_total) > 0").isEqualTo(1));
    }

    @Test
    @Order(4)
    void everyDashboardQueryEvaluatesAndHasData() throws IOException {
        ensureStack();
        Map<String, String> queries = MonitoringFiles.dashboardQueries(JSON.readTree(MonitoringFiles.dashboard().toFile()));
        assertThat(queries).as("dashboard queries").isNotEmpty();
        SoftAssertions softly = new SoftAssertions();
        queries.forEach((name, expr) -> {
            JsonNode response = PROMETHEUS.query(expr);
            softly.assertThat(response.path("status").asText()).as("panel %s: %s -> %s", name, expr, response).isEqualTo("success");
        });
        softly.assertAll();
        // On a running stack every panel has something to show; an empty one has a wrong name or label.
        await("every dashboard query returns data", Duration.ofSeconds(60), () -> {
            SoftAssertions data = new SoftAssertions();
            queries.forEach((name, expr) -> data.assertThat(PROMETHEUS.count(expr)).as("series returned for panel %s: %s", name, expr)
                    .isPositive());
            data.assertAll();
        });
    }

    @Test
    @Order(5)
    void everyAlertRuleIsLoadedAndEvaluates() {
        ensureStack();
        await("Prometheus evaluated every alert rule", Duration.ofSeconds(60), () -> {
            Map<String, JsonNode> rules = PROMETHEUS.alertRules();
            assertThat(rules.keySet()).as("alert rules Prometheus loaded").containsExactlyInAnyOrderElementsOf(MonitoringFiles.ALERTS);
            SoftAssertions softly = new SoftAssertions();
            rules.forEach((name, rule) -> softly.assertThat(rule.path("health").asText())
                    .as("health of %s (%s)", name, rule.path("lastError").asText()).isEqualTo("ok"));
            softly.assertAll();
        });
        SoftAssertions softly = new SoftAssertions();
        MonitoringFiles.alertExpressions().forEach((name, expr) -> {
            JsonNode response = PROMETHEUS.query(expr);
            softly.assertThat(response.path("status").asText()).as("alert %s: %s -> %s", name, expr, response).isEqualTo("success");
        });
        softly.assertAll();
    }

    @Test
    @Order(6)
    void everyMetricLabelAndValueTheMonitoringSelectsIsExported() throws IOException {
        ensureStack();
        List<String> exprs = new ArrayList<>(MonitoringFiles.alertExpressions().values());
        exprs.addAll(MonitoringFiles.dashboardQueries(JSON.readTree(MonitoringFiles.dashboard().toFile())).values());
        Map<String, String> checks = new LinkedHashMap<>();
        for (String expr : exprs) {
            Set<String> names = MonitoringFiles.metricNames(expr);
            names.forEach(name -> checks.put("series named " + name, "{__name__=\"" + name + "\"}"));
            for (MonitoringFiles.Selector selector : MonitoringFiles.selectors(expr)) {
                for (MonitoringFiles.LabelMatcher m : selector.matchers()) {
                    String metric = selector.metric();
                    checks.put("label " + m.label() + " on " + metric, metric + "{" + m.label() + "!=\"\"}");
                    if (m.op().equals("=") || m.op().equals("=~") && !m.value().equals(TRANSIENT_KEYS)) {
                        checks.put(metric + "{" + m.label() + m.op() + "\"" + m.value() + "\"} over the run",
                                "last_over_time(" + metric + "{" + m.label() + m.op() + "\"" + m.value().replace("\\", "\\\\") + "\"}[30m])");
                    }
                }
            }
            for (String label : MonitoringFiles.groupingLabels(expr)) {
                checks.put("label " + label + " (grouped by) on one of " + names,
                        "{__name__=~\"" + String.join("|", names) + "\"," + label + "!=\"\"}");
            }
        }
        await("every metric, label and value selected has series", Duration.ofSeconds(60), () -> {
            SoftAssertions softly = new SoftAssertions();
            checks.forEach((what, promql) -> softly.assertThat(PROMETHEUS.count(promql)).as("%s: %s", what, promql).isPositive());
            softly.assertAll();
        });
        // The same checks see what is not there: a name and a label no one exports.
        assertThat(PROMETHEUS.count("{__name__=\"hwaas_worker_printed\"}")).as("series of a misspelt name").isZero();
        assertThat(PROMETHEUS.count("redis_key_size{queue!=\"\"}")).as("series with a label redis_key_size lacks").isZero();
    }

    @Test
    @Order(7)
    void noAlertFiresOnAHealthyStack() {
        ensureStack();
        // HelloRateBelowExpected may be pending at first, while the rate's minute still covers the start.
        await("every alert inactive", Duration.ofSeconds(150), () -> {
            SoftAssertions softly = new SoftAssertions();
            PROMETHEUS.alertRules().forEach((name, rule) -> softly.assertThat(rule.path("state").asText())
                    .as("state of %s on a healthy stack; alerts: %s", name, rule.path("alerts")).isEqualTo("inactive"));
            softly.assertAll();
        });
    }

    @Test
    @Order(8)
    void losingTheWorkersAndThePrimaryReachesTheReceiverButIsNoRedisDown() throws Exception {
        ensureStack();
        JsonNode primaries = PROMETHEUS.query("redis_instance_info{job=\"redis\",role=\"master\"}").path("data").path("result");
        assertThat(primaries.size()).as("primaries: %s", primaries).isEqualTo(1);
        String primary = primaries.get(0).path("metric").path("instance").asText();
        long stopped = System.nanoTime();
        Command.Result stop = STACK.compose(Duration.ofMinutes(2), "stop", "-t", "20", "hw-worker", primary.replace(":6379", ""));
        assertThat(stop.exit()).as("compose stop: %s", stop.all()).isZero();
        Map<String, Long> seconds = new LinkedHashMap<>();
        await("the receiver has NoLiveWorker, RedisFailover and RedisNodeDown", Duration.ofMinutes(4), () -> {
            String received = receiverLog();
            for (String alert : List.of("NoLiveWorker", "RedisFailover", "RedisNodeDown")) {
                if (received.contains(" firing " + alert + " ")) {
                    seconds.putIfAbsent(alert, (System.nanoTime() - stopped) / 1_000_000_000L);
                }
            }
            assertThat(received).as("what alert-receiver logged").contains(" firing NoLiveWorker ", " firing RedisFailover ")
                    .containsPattern(" firing RedisNodeDown .*\"instance\":\"" + Pattern.quote(primary) + "\"");
        });
        assertThat(receiverLog()).as("what alert-receiver logged: one node lost is no RedisDown").doesNotContain(" firing RedisDown ");
        assertThat(PROMETHEUS.count("ALERTS{alertname=\"RedisDown\",alertstate=\"firing\"}[30m]"))
                .as("RedisDown firing at any time since the start").isZero();
        System.out.println("MONITORING: stopped the workers and the primary " + primary + "; at the receiver after " + seconds
                + " s; no RedisDown");
    }

    // ---- The stack -------------------------------------------------------------------------

    private static Map<String, Integer> expectedTargets() {
        return Map.of("hwaas-worker", WORKERS, "hwaas-client", CLIENTS, "redis", NODES, "redis-sentinel", SENTINELS,
                "alertmanager", 1, "prometheus", 1);
    }

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
        Command.Result up = run(() -> STACK.hwaasRun(Duration.ofMinutes(15), "--ha", "--monitoring", "-d",
                Integer.toString(WORKERS), Integer.toString(CLIENTS)));
        if (up.exit() != 0) {
            fail("./hwaas --ha --monitoring -d %d %d failed (exit %d):%n%s", WORKERS, CLIENTS, up.exit(), up.all());
        }
        try {
            await("Prometheus scrapes every replica, node and Sentinel", Duration.ofSeconds(120), () -> {
                JsonNode targets = PROMETHEUS.targets();
                assertThat(PROMETHEUS.upTargets()).as("targets up, by job; all active targets: %s", targets)
                        .isEqualTo(expectedTargets());
                assertThat(targets.size()).as("active targets (all of them up)")
                        .isEqualTo(expectedTargets().values().stream().mapToInt(Integer::intValue).sum());
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n\n" + diagnostics(), e);
        }
    }

    private static String diagnostics() {
        return "compose ps:\n" + run(() -> STACK.compose(Duration.ofMinutes(1), "--profile", "monitoring", "--profile",
                "packing", "ps")).all()
                + "\nlogs:\n" + run(() -> STACK.compose(Duration.ofMinutes(1), "logs", "--tail=30", "prometheus",
                "redis-exporter", "sentinel-exporter", "alertmanager")).all();
    }

    /** What the stack's receiver logged: one line per notification, on its standard error. */
    private static String receiverLog() throws IOException, InterruptedException {
        return STACK.docker(Duration.ofSeconds(30), "logs", STACK.container("alert-receiver")).all();
    }

    private static void await(String what, Duration timeout, ThrowingRunnable assertion) {
        try {
            Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofSeconds(2)).untilAsserted(assertion);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + timeout.toSeconds() + "s: " + e.getMessage(), e);
        }
    }

    // ---- Docker ------------------------------------------------------------------------------

    /** Runs a tool of an image (promtool, amtool) with the monitoring files mounted. */
    private static Command.Result tool(String imageVariable, String tool, List<String> mounts, String... args) {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--entrypoint", tool));
        mounts.forEach(mount -> command.addAll(List.of("-v", mount)));
        command.add(image(imageVariable));
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
            throw new AssertionError("no free local port", e);
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
