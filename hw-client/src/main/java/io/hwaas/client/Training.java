package io.hwaas.client;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.client.send.Outbox;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.time.Loop;
import io.hwaas.common.time.Waiter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.Jedis;

/** {@code train}: the image build's training run for the client's CDS / AOT cache. */
final class Training {
    private Training() {
    }

    static int run() throws Exception {
        ClientConfig config = ClientConfig.fromEnv(new Env(io.hwaas.runtime.Training.ENV), "training");
        String client = ClientIds.of("training", System.currentTimeMillis(), 0);
        Outbox outbox = new Outbox(client, 2,
                new HelloWriter(config.common().keys(), client, config.common().auditTtl(), config.common().clock()), null);
        for (int i = 0; i < 3; i++) {
            outbox.add();
        }
        long[] held = outbox.peek(10);
        for (long seq = held[0]; seq < held[0] + held[1]; seq++) {
            Hello.encode(Hello.MESSAGE, new Hello.Meta(outbox.client(), seq, Hello.nowMicros()));
        }
        outbox.confirm(held[0], 1);

        // The shape of the schedule's and the sender's threads.
        AtomicInteger steps = new AtomicInteger();
        new Loop("training", () -> steps.get() < 3, new Waiter(), () -> {
            steps.incrementAndGet();
            return Duration.ofMillis(1);
        }).run();

        PrometheusRegistry registry = new PrometheusRegistry();
        ClientMetrics metrics = new ClientMetrics(registry, outbox::size, 1, config.interval());
        metrics.tick();
        metrics.submitted(1);
        io.hwaas.runtime.Training.finish(registry, config.common(), Jedis.class);
        return 0;
    }
}
