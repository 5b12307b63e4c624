package io.hwaas.worker;

import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Hello;
import io.hwaas.worker.consume.LinePrinter;
import io.hwaas.worker.job.Decoded;
import io.hwaas.worker.job.JobDecoder;
import io.hwaas.worker.metrics.WorkerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import net.greghaines.jesque.Job;
import redis.clients.jedis.Jedis;

/** {@code train}: the image build's training run for the worker's CDS / AOT cache. */
final class Training {
    private Training() {
    }

    static int run() throws Exception {
        WorkerConfig config = WorkerConfig.fromEnv(new Env(io.hwaas.runtime.Training.ENV), "training");
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
            }
        }
        new LinePrinter(OutputStream.nullOutputStream()).print(lines);

        PrometheusRegistry registry = new PrometheusRegistry();
        WorkerMetrics metrics = new WorkerMetrics(registry);
        metrics.latency(0.001);
        metrics.sample(1, config.common().clock()).toJson();
        io.hwaas.runtime.Training.finish(registry, config.common(), Main.class, Jedis.class, Job.class);
        return 0;
    }
}
