package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.client.ClientConfig;
import io.hwaas.client.ClientProcess;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.ops.audit.Audit;
import io.hwaas.worker.Worker;
import io.hwaas.worker.WorkerConfig;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Redis filled to its {@code maxmemory} by real clients while no worker runs recovers by itself:
 * the clients hold what Redis refuses, workers started on the full Redis drain it to zero, the
 * clients send what they held, and the audit finds nothing lost.
 */
class FullRedisIT {
    private static final Keys KEYS = new Keys("resque", "hello");

    private static Map<String, String> env(TestRedis redis, String... pairs) {
        Map<String, String> vars = new HashMap<>();
        vars.put("REDIS_URL", redis.url(1));
        vars.put("HWAAS_METRICS_PORT", "0");
        for (int i = 0; i < pairs.length; i += 2) {
            vars.put(pairs[i], pairs[i + 1]);
        }
        return vars;
    }

    @Test
    void aRedisFilledByClientsDrainsToZeroOnceWorkersRun() throws Exception {
        try (TestRedis redis = TestRedis.start("--maxmemory", "24mb"); Jedis jedis = redis.jedis(1)) {
            // Fifty clients at a hello every 2 ms each: 25,000 hellos a second until Redis is full.
            ClientProcess clients = new ClientProcess(ClientConfig.fromEnv(new Env(env(redis,
                    "HWAAS_CLIENTS_PER_CONTAINER", "50", "HWAAS_CLIENT_INTERVAL", "2ms", "HWAAS_CLIENT_BUFFER", "100000",
                    // Stopping flushes what the clients hold while Redis is still full: long enough for
                    // the worker to make room for all of it.
                    "HWAAS_CLIENT_FLUSH_TIMEOUT", "2m")),
                    "filler"), new PrometheusRegistry());
            clients.start();
            Worker worker = null;
            try {
                await("Redis refuses writes: full").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> clients.metrics().retriesTotal() > 0 && clients.held() > 1000);
                long queuedWhenFull = jedis.llen(KEYS.queue());
                assertThat(queuedWhenFull).as("hellos queued when Redis filled up").isGreaterThan(20_000);

                worker = Worker.create(WorkerConfig.fromEnv(new Env(env(redis, "HWAAS_WORKER_THREADS", "2")), "drainer"),
                        new LinePrinter(OutputStream.nullOutputStream()), new WorkerMetrics(new PrometheusRegistry()));
                worker.start();
                Worker running = worker;
                // Past the full point, not "faster than the clients": on two shared cores the rate race
                // between 25,000 submits a second and one worker is a benchmark, and CI lost it once.
                await("the worker prints past what filled Redis").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> running.metrics().printedTotal() > queuedWhenFull);
            } finally {
                clients.stop();
            }
            Worker running = worker;
            await("the backlog drained to zero").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> jedis.llen(KEYS.queue()) == 0 && redis.inflight(KEYS, 1) == 0);
            running.stop();
            assertThat(clients.held()).as("hellos the clients still hold").isZero();
            Audit.Report report = new Audit(jedis, KEYS, Duration.ofHours(24)).run(0, 0);
            System.out.printf("FULL: submitted %d, printed %d, lost %d, duplicates %d%n", report.submitted(),
                    report.printed(), report.lost(), report.duplicates());
            assertThat(report.lost()).as("lost; first: " + report.lostIds()).isZero();
            assertThat(report.printed()).as("printed = submitted").isEqualTo(report.submitted());
            assertThat(report.verdict()).as("verdict").isEqualTo(Audit.Verdict.OK);
            assertThat(List.of(report.clients())).as("the fifty clients audited").containsExactly(50);
        }
    }
}
