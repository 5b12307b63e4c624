package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./hwaas 2 3} for real: hellos at the expected rate, and Ctrl+C leaves nothing behind. */
class StackIT {
    private final Stack stack = Stack.create("stack-it");

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

        awaitHellos(1, Duration.ofSeconds(60));
        Thread.sleep(3000);
        long before = stack.hellosPrinted();
        long start = System.nanoTime();
        Thread.sleep(15_000);
        long after = stack.hellosPrinted();
        double perSecond = (after - before) / ((System.nanoTime() - start) / 1e9);
        assertThat(perSecond).as("hellos per second printed by 2 workers for 3 clients").isBetween(2.5, 3.5);
        assertThat(Files.readString(log)).as("the foreground shows the hellos").contains("hello, world!");

        // Ctrl+C: SIGINT to hwaas, which must stop the stack gracefully and remove its containers.
        new ProcessBuilder("kill", "-INT", Long.toString(hwaas.pid())).start().waitFor();
        assertThat(hwaas.waitFor(2, TimeUnit.MINUTES)).as("hwaas exits after Ctrl+C").isTrue();
        assertThat(hwaas.exitValue()).as("hwaas exit status after Ctrl+C").isZero();
        assertThat(stack.containers(null)).as("containers left after Ctrl+C").isEmpty();
        assertThat(stack.docker(Duration.ofSeconds(30), "volume", "ls", "-q", "--filter",
                "label=com.docker.compose.project=" + stack.project).out()).as("Redis' volume is kept").isNotBlank();

        // The graceful stop flushed the clients and drained the workers: the audit must balance.
        Stack.Result audit = stack.hwaasRun(Duration.ofMinutes(2), "audit", "--json");
        assertThat(audit.exit()).as("audit exit status; output: " + audit.all()).isZero();
        JsonNode report = new ObjectMapper().readTree(audit.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in audit output: " + audit.all())));
        assertThat(report.path("lost").asLong()).as("lost").isZero();
        assertThat(report.path("submitted").asLong()).as("submitted").isPositive();
        assertThat(report.path("printed").asLong()).as("printed = submitted").isEqualTo(report.path("submitted").asLong());
        assertThat(stack.containers(null)).as("containers left after the audit").isEmpty();
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

    private void awaitHellos(long count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stack.hellosPrinted() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " hellos within " + timeout);
            }
            Thread.sleep(500);
        }
    }
}
