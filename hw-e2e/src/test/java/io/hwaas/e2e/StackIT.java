package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./hwaas 2 3} for real, one started stack checked in turn, each check a test of its own
 * so that every failure shows: hellos at the expected rate, hardened containers, JSON logs that
 * leave the hello lines alone, a graceful worker stop, rescaling in place, and Ctrl+C leaving
 * nothing behind but Redis' data, with an audit that balances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Stack stack = Stack.create("stack-it", Map.of("HWAAS_LOG_FORMAT", "json"));
    private Path log;
    private Process hwaas;

    @BeforeAll
    void start() throws Exception {
        log = Files.createTempFile("hwaas-stack-it", ".log");
        hwaas = stack.hwaas(log, "2", "3");
        await("hwaas follows the workers").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(hwaas.isAlive()).as("hwaas still running; its output:\n" + Files.readString(log)).isTrue();
                    return Files.readString(log).contains("Following the workers' output");
                });
        stack.awaitHellos(1, Duration.ofSeconds(60));
    }

    @AfterAll
    void tearDown() throws Exception {
        hwaas.destroyForcibly();
        stack.close();
        Files.deleteIfExists(log);
    }

    @Test
    @Order(1)
    void twoWorkersAndThreeClientsRunInTheirOwnContainers() throws Exception {
        assertThat(stack.containers("hw-worker")).as("worker containers").hasSize(2);
        assertThat(stack.containers("hw-client")).as("client containers").hasSize(3);
    }

    @Test
    @Order(2)
    void threeClientsPrintThreeHellosASecond() throws Exception {
        long before = stack.hellosPrinted();
        long start = System.nanoTime();
        // The time 45 more hellos take: 15 s at three a second.
        long after = await("45 more hellos").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(stack::hellosPrinted, printed -> printed >= before + 45);
        double perSecond = (after - before) / ((System.nanoTime() - start) / 1e9);
        assertThat(perSecond).as("hellos per second printed by 2 workers for 3 clients").isBetween(2.5, 3.5);
        assertThat(Files.readString(log)).as("the foreground shows the workers' start-up, then the hellos")
                .contains("consuming resque:queue:hello", "hello, world!");
    }

    @ParameterizedTest
    @Order(3)
    @ValueSource(strings = {"redis", "hw-worker", "hw-client"})
    void containersAreUnprivilegedReadOnlyAndPublishNoPort(String service) throws Exception {
        JsonNode inspect = JSON.readTree(stack.docker(Duration.ofSeconds(30), "inspect", stack.container(service)).out()).get(0);
        JsonNode host = inspect.path("HostConfig");
        assertThat(inspect.path("Config").path("User").asText()).as(service + " user").isNotEmpty()
                .doesNotStartWith("0").isNotEqualTo("root");
        assertThat(host.path("ReadonlyRootfs").asBoolean()).as(service + " read-only root file system").isTrue();
        assertThat(host.path("CapDrop").toString()).as(service + " capabilities dropped").contains("ALL");
        assertThat(host.path("SecurityOpt").toString()).as(service + " security options").contains("no-new-privileges");
        assertThat(host.path("PortBindings").isEmpty() || host.path("PortBindings").isNull())
                .as(service + " publishes no port: " + host.path("PortBindings")).isTrue();
        assertThat(host.path("LogConfig").path("Config").path("max-size").asText()).as(service + " log rotation")
                .isNotEmpty();
    }

    @Test
    @Order(4)
    void aWorkersStdoutIsHelloLinesAndItsLogIsJson() throws Exception {
        Command.Result logs = stack.docker(Duration.ofSeconds(60), "logs", stack.container("hw-worker"));
        assertThat(logs.out().lines().toList()).as("a worker's stdout").isNotEmpty().containsOnly("hello, world!");
        List<String> events = logs.err().lines().toList();
        assertThat(events).as("a worker's log lines").isNotEmpty();
        for (String line : events) {
            assertThat(JSON.readTree(line).path("level").asText()).as("a JSON log event: " + line).isNotEmpty();
        }
    }

    @Test
    @Order(5)
    void aClientKeepsItsLedgerOnTheSharedVolume() throws Exception {
        Command.Result ls = stack.docker(Duration.ofSeconds(30), "exec", stack.container("hw-client"), "bash", "-c",
                "for f in /var/lib/hwaas/ledger/*.ledger; do echo \"$f\"; done");
        assertThat(ls.out().lines().filter(l -> l.endsWith(".ledger")).count()).as("ledgers of the three clients: " + ls.all())
                .isEqualTo(3);
    }

    @Test
    @Order(6)
    void aWorkerStopsGracefullyOnSigterm() throws Exception {
        String worker = stack.container("hw-worker");
        long start = System.nanoTime();
        assertThat(stack.docker(Duration.ofSeconds(60), "stop", "-t", "20", worker).exit()).as("docker stop").isZero();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.ExitCode}}", worker).out().trim())
                .as("worker exit status after SIGTERM").isEqualTo("0");
        assertThat(seconds).as("seconds for a worker to stop on SIGTERM").isLessThan(5.0);
        String logs = stack.docker(Duration.ofSeconds(30), "logs", "--tail", "5", worker).all();
        assertThat(logs).as("the worker's last words").contains("deregistered");
        assertThat(stack.docker(Duration.ofSeconds(60), "start", worker).exit()).as("docker start").isZero();
    }

    @Test
    @Order(7)
    void runningItAgainRescalesInPlace() throws Exception {
        String redis = stack.container("redis");
        String startedAt = stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.StartedAt}}", redis).out();
        Command.Result rescale = stack.hwaasRun(Duration.ofMinutes(5), "-d", "1", "3");
        assertThat(rescale.exit()).as("./hwaas -d 1 3 on the running stack: " + rescale.all()).isZero();
        assertThat(rescale.out()).as("hwaas says it rescaled").contains("already running");
        assertThat(running("hw-worker")).as("running workers after scaling down").isEqualTo(1);
        assertThat(stack.containers("redis")).as("Redis container after rescaling").containsExactly(redis);
        assertThat(stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.StartedAt}}", redis).out())
                .as("Redis was not restarted").isEqualTo(startedAt);
        assertThat(hwaas.isAlive()).as("the first hwaas still follows the stack").isTrue();
        long before = stack.hellosPrinted();
        await("hellos keep coming after the rescale").atMost(Duration.ofSeconds(20))
                .until(() -> stack.hellosPrinted() > before + 10);
    }

    @Test
    @Order(8)
    void ctrlCStopsTheStackAndTheAuditBalances() throws Exception {
        // Ctrl+C: SIGINT to hwaas, which must stop the stack gracefully and remove its containers.
        Command.of("kill", "-INT", Long.toString(hwaas.pid())).run(Duration.ofSeconds(10));
        assertThat(hwaas.waitFor(2, TimeUnit.MINUTES)).as("hwaas exits after Ctrl+C").isTrue();
        assertThat(hwaas.exitValue()).as("hwaas exit status after Ctrl+C").isZero();
        assertThat(stack.containers(null)).as("containers left after Ctrl+C").isEmpty();
        assertThat(stack.docker(Duration.ofSeconds(30), "volume", "ls", "-q", "--filter",
                "label=com.docker.compose.project=" + stack.project).out()).as("Redis' volume is kept").isNotBlank();

        // Graceful stops flushed the clients and drained the workers: the audit must balance.
        Command.Result audit = stack.hwaasRun(Duration.ofMinutes(2), "audit", "--json");
        JsonNode report = JSON.readTree(audit.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in audit output: " + audit.all())));
        assertThat(audit.exit()).as("audit exit status; output: " + audit.all()).isZero();
        assertThat(report.path("verdict").asText()).as("verdict").isEqualTo("OK");
        assertThat(report.path("lost").asLong()).as("lost").isZero();
        assertThat(report.path("submitted").asLong()).as("submitted").isPositive();
        // hwaas stops the clients before the workers, so nothing they flushed is left waiting in the queue.
        assertThat(report.path("printed").asLong()).as("printed = submitted; audit: %s", report)
                .isEqualTo(report.path("submitted").asLong());
        assertThat(stack.containers(null)).as("containers left after the audit").isEmpty();
    }

    private long running(String service) throws Exception {
        long n = 0;
        for (String id : stack.containers(service)) {
            if ("true".equals(stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}}", id).out().trim())) {
                n++;
            }
        }
        return n;
    }
}
