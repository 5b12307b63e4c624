package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./hwaas 2 3} for real: hellos at the expected rate, hardened containers, JSON logs that
 * leave the hello lines alone, a graceful worker stop, rescaling in place, and Ctrl+C leaving
 * nothing behind but Redis' data, with an audit that balances.
 */
class StackIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Stack stack = Stack.create("stack-it", Map.of("HWAAS_LOG_FORMAT", "json"));

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        stack.close();
    }

    @Test
    void twoWorkersAndThreeClientsPrintThreeHellosASecondUntilCtrlC() throws Exception {
        Path log = tmp.resolve("hwaas.log");
        Process hwaas = stack.hwaas(log, "2", "3");
        awaitOutput(hwaas, log, "Following the workers' output", Duration.ofMinutes(10));
        assertThat(stack.containers("worker")).as("worker containers").hasSize(2);
        assertThat(stack.containers("client")).as("client containers").hasSize(3);

        stack.awaitHellos(1, Duration.ofSeconds(60));
        Thread.sleep(3000);
        long before = stack.hellosPrinted();
        long start = System.nanoTime();
        Thread.sleep(15_000);
        long after = stack.hellosPrinted();
        double perSecond = (after - before) / ((System.nanoTime() - start) / 1e9);
        assertThat(perSecond).as("hellos per second printed by 2 workers for 3 clients").isBetween(2.5, 3.5);
        assertThat(Files.readString(log)).as("the foreground shows the hellos").contains("hello, world!");

        assertHardened();
        assertLogsAreJsonAndHellosPlain();
        assertWorkerStopsGracefully();
        assertRescalesInPlace(hwaas);

        // Ctrl+C: SIGINT to hwaas, which must stop the stack gracefully and remove its containers.
        new ProcessBuilder("kill", "-INT", Long.toString(hwaas.pid())).start().waitFor();
        assertThat(hwaas.waitFor(2, TimeUnit.MINUTES)).as("hwaas exits after Ctrl+C").isTrue();
        assertThat(hwaas.exitValue()).as("hwaas exit status after Ctrl+C").isZero();
        assertThat(stack.containers(null)).as("containers left after Ctrl+C").isEmpty();
        assertThat(stack.docker(Duration.ofSeconds(30), "volume", "ls", "-q", "--filter",
                "label=com.docker.compose.project=" + stack.project).out()).as("Redis' volume is kept").isNotBlank();

        // Graceful stops flushed the clients and drained the workers: the audit must balance.
        Stack.Result audit = stack.hwaasRun(Duration.ofMinutes(2), "audit", "--json");
        assertThat(audit.exit()).as("audit exit status; output: " + audit.all()).isZero();
        JsonNode report = JSON.readTree(audit.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in audit output: " + audit.all())));
        assertThat(report.path("lost").asLong()).as("lost").isZero();
        assertThat(report.path("submitted").asLong()).as("submitted").isPositive();
        // hwaas stops the clients before the workers, so nothing they flushed is left waiting in the queue.
        assertThat(report.path("printed").asLong()).as("printed = submitted; audit: %s", report)
                .isEqualTo(report.path("submitted").asLong());
        assertThat(stack.containers(null)).as("containers left after the audit").isEmpty();
    }

    /** Unprivileged, read-only, no capabilities, no new privileges, no host ports. */
    private void assertHardened() throws Exception {
        for (String service : List.of("redis", "worker", "client")) {
            String id = stack.containers(service).get(0);
            JsonNode inspect = JSON.readTree(stack.docker(Duration.ofSeconds(30), "inspect", id).out()).get(0);
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
    }

    /** A worker's stdout is hello lines only; with HWAAS_LOG_FORMAT=json its stderr is one JSON event per line. */
    private void assertLogsAreJsonAndHellosPlain() throws Exception {
        Stack.Result logs = stack.docker(Duration.ofSeconds(60), "logs", stack.containers("worker").get(0));
        assertThat(logs.out().lines().toList()).as("a worker's stdout").isNotEmpty().containsOnly("hello, world!");
        List<String> events = logs.err().lines().toList();
        assertThat(events).as("a worker's log lines").isNotEmpty();
        for (String line : events) {
            assertThat(JSON.readTree(line).path("level").asText()).as("a JSON log event: " + line).isNotEmpty();
        }
    }

    /** SIGTERM: the worker finishes its batch, deregisters and exits 0, in well under the grace period. */
    private void assertWorkerStopsGracefully() throws Exception {
        String worker = stack.containers("worker").get(0);
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

    /** ./hwaas N M on a running stack rescales it: Redis keeps running, removed workers drain. */
    private void assertRescalesInPlace(Process foreground) throws Exception {
        String redis = stack.containers("redis").get(0);
        String startedAt = stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.StartedAt}}", redis).out();
        Stack.Result rescale = stack.hwaasRun(Duration.ofMinutes(5), "-d", "1", "3");
        assertThat(rescale.exit()).as("./hwaas -d 1 3 on the running stack: " + rescale.all()).isZero();
        assertThat(rescale.out()).as("hwaas says it rescaled").contains("already running");
        assertThat(running("worker")).as("running workers after scaling down").isEqualTo(1);
        assertThat(stack.containers("redis")).as("Redis container after rescaling").containsExactly(redis);
        assertThat(stack.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.StartedAt}}", redis).out())
                .as("Redis was not restarted").isEqualTo(startedAt);
        assertThat(foreground.isAlive()).as("the first hwaas still follows the stack").isTrue();
        long before = stack.hellosPrinted();
        Thread.sleep(5000);
        assertThat(stack.hellosPrinted()).as("hellos keep coming after the rescale").isGreaterThan(before + 10);
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

    private void awaitOutput(Process process, Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (out.contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("hwaas exited with " + process.exitValue() + " before '" + text + "':\n" + out);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + text + "' from hwaas within " + timeout + ":\n" + Files.readString(log));
    }
}
