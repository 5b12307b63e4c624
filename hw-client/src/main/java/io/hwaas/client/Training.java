package io.hwaas.client;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.send.Outbox;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.Hello;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/** {@code train}: the image build's training run for the client's CDS / AOT cache. */
final class Training {
    private Training() {
    }

    static int run() throws Exception {
        ClientConfig config = ClientConfig.fromEnv(new Env(io.hwaas.common.ops.Training.ENV), "training");
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
        io.hwaas.common.ops.Training.finish(registry, config.common(), Jedis.class);
        return 0;
    }
}
