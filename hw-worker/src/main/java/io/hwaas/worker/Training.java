package io.hwaas.worker;

import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.ops.MetricsServer;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.worker.consume.DeadLetters;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.metrics.WorkerFigures;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.greghaines.jesque.Job;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code train}: the image build's training run for the worker's CDS / AOT cache. */
final class Training {
    private Training() {
    }

    static int run() throws Exception {
        WorkerConfig config = WorkerConfig.fromEnv(new Env(Map.of("REDIS_URL", "redis://127.0.0.1:1/1",
                "HWAAS_REDIS_TIMEOUT", "200ms")), "training");
        JobDecoder decoder = new JobDecoder(config.maxPayloadBytes(), config.maxArgLength());
        List<String> lines = new ArrayList<>();
        String[] payloads = {
            Hello.encode(Hello.MESSAGE, new Hello.Meta("training-0-0", 1, Hello.nowMicros())),
            "{\"class\":\"PrintJob\",\"args\":[\"hello, world!\"]}",
            "not json", "{\"class\":\"Other\",\"args\":[]}", "{\"class\":\"PrintJob\",\"args\":[1]}",
            "{\"class\":\"PrintJob\",\"args\":[\"\\u001b[31m\"]}", "[]",
        };
        for (String payload : payloads) {
            Decoded decoded = decoder.decode(payload);
            if (decoded instanceof Decoded.Runnable r) {
                lines.add(r.job().line());
            } else if (decoded instanceof Decoded.Poison p) {
                DeadLetters.payloadOf(DeadLetters.entry(payload, p, "q", "w"));
            }
        }
        new LinePrinter(OutputStream.nullOutputStream()).print(lines);

        PrometheusRegistry registry = new PrometheusRegistry();
        WorkerMetrics metrics = new WorkerMetrics(registry);
        metrics.latency(0.001);
        new WorkerFigures(metrics, 1).sample();
        try (MetricsServer server = MetricsServer.start(0, registry, () -> true)) {
            io.hwaas.common.ops.Training.get(server.port(), "/metrics");
            io.hwaas.common.ops.Training.get(server.port(), "/healthz");
        }
        try {
            new RedisConnector(config.common().redis(), Duration.ofMillis(200), null, "training").open(Duration.ZERO).close();
        } catch (JedisException expected) {
            // No Redis at build time; the attempt still loads the connection path.
        }
        int classes = io.hwaas.common.ops.Training.preload(Main.class, Jedis.class, Job.class);
        LoggerFactory.getLogger(Training.class).info("Training run done: {} classes preloaded", classes);
        return 0;
    }
}
