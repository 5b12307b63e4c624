package io.hwaas.client;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.send.Outbox;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.ops.MetricsServer;
import io.hwaas.common.redis.RedisConnector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code train}: the image build's training run for the client's CDS / AOT cache. */
final class Training {
    private Training() {
    }

    static int run() throws Exception {
        ClientConfig config = ClientConfig.fromEnv(new Env(Map.of("REDIS_URL", "redis://127.0.0.1:1/1",
                "HWAAS_REDIS_TIMEOUT", "200ms")), "training");
        Outbox outbox = new Outbox(ClientIds.of("training", System.currentTimeMillis(), 0), 2);
        for (int i = 0; i < 3; i++) {
            outbox.add(Hello.nowMicros());
        }
        for (Outbox.Pending p : outbox.peek(10)) {
            Hello.encode(Hello.MESSAGE, new Hello.Meta(outbox.client(), p.seq(), p.madeAtMicros()));
        }
        outbox.remove(1);

        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        scheduler.scheduleAtFixedRate(() -> { }, 0, 1, TimeUnit.MILLISECONDS);
        Thread.sleep(5);
        scheduler.shutdownNow();

        PrometheusRegistry registry = new PrometheusRegistry();
        ClientMetrics metrics = new ClientMetrics(registry, outbox::size, 1);
        metrics.tick();
        metrics.submitted(1);
        try (MetricsServer server = MetricsServer.start(0, registry, () -> true)) {
            io.hwaas.common.ops.Training.get(server.port(), "/metrics");
            io.hwaas.common.ops.Training.get(server.port(), "/healthz");
        }
        try {
            new RedisConnector(config.common().redis(), Duration.ofMillis(200), null, "training").open(Duration.ZERO).close();
        } catch (JedisException expected) {
            // No Redis at build time; the attempt still loads the connection path.
        }
        int classes = io.hwaas.common.ops.Training.preload(Jedis.class);
        LoggerFactory.getLogger(Training.class).info("Training run done: {} classes preloaded", classes);
        return 0;
    }
}
