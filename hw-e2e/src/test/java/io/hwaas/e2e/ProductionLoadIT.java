package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hwaas.common.testing.Command;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The production command as typed, on whatever host runs the suite: {@code ./hwaas -d 10 1000}
 * with the default packing reaches a thousand hellos a second, holds it for a minute, and loses
 * nothing. Bounds are generous: this shows it works; {@code ./hwaas bench} measures how well.
 */
class ProductionLoadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RATE = Pattern.compile("printed/s, last [0-9]+s\\s+([0-9.]+)");
    private static final Pattern QUEUE = Pattern.compile("queue length\\s+([0-9]+)");

    @Test
    void tenWorkersAndAThousandClientsPrintAThousandHellosASecondForAMinuteAndLoseNothing() throws Exception {
        try (Stack stack = Stack.create("production-it")) {
            Command.Result up = stack.hwaasRun(Duration.ofMinutes(10), "-d", "10", "1000");
            assertThat(up.exit()).as("./hwaas -d 10 1000: " + up.all()).isZero();

            await("status reports 1000 hellos a second").atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(5)).until(() -> rate(stack) >= 990);
            // Each reading is a one-off container, which takes seconds on a busy host: read until a
            // minute has passed, however many readings that makes, at least three.
            List<Double> held = new ArrayList<>();
            long from = System.nanoTime();
            await("a minute of readings").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5)).until(() -> {
                held.add(rate(stack));
                return held.size() >= 3 && System.nanoTime() - from >= Duration.ofSeconds(60).toNanos();
            });
            assertThat(held).as("the rate over the last seconds, read through a minute")
                    .allSatisfy(r -> assertThat(r).isGreaterThanOrEqualTo(950.0));

            // Stop making hellos, let the workers drain what is queued, then audit: nothing lost.
            Command.Result scaled = stack.hwaasRun(Duration.ofMinutes(5), "-d", "10", "0");
            assertThat(scaled.exit()).as("./hwaas -d 10 0: " + scaled.all()).isZero();
            await("the queue drains").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> figure(stack, QUEUE) == 0);
            Command.Result audit = stack.hwaasRun(Duration.ofMinutes(3), "audit", "--json");
            JsonNode report = JSON.readTree(audit.out().lines().filter(l -> l.startsWith("{")).findFirst()
                    .orElseThrow(() -> new AssertionError("no JSON in audit output: " + audit.all())));
            assertThat(report.path("verdict").asText()).as("verdict; audit: %s", report).isEqualTo("OK");
            assertThat(report.path("lost").asLong()).as("lost").isZero();
            assertThat(report.path("submitted").asLong()).as("submitted, a minute of 1000 a second at least")
                    .isGreaterThan(60_000);
            assertThat(report.path("printed").asLong()).as("printed = submitted; audit: %s", report)
                    .isEqualTo(report.path("submitted").asLong());

            Command.Result down = stack.hwaasRun(Duration.ofMinutes(3), "down");
            assertThat(down.exit()).as("./hwaas down: " + down.all()).isZero();
            assertThat(stack.containers(null)).as("containers left after ./hwaas down").isEmpty();
        }
    }

    private static double rate(Stack stack) throws Exception {
        return figure(stack, RATE);
    }

    private static double figure(Stack stack, Pattern pattern) throws Exception {
        Command.Result status = stack.hwaasRun(Duration.ofMinutes(1), "status");
        Matcher m = pattern.matcher(status.out());
        assertThat(m.find()).as("./hwaas status shows %s: %s", pattern, status.all()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
