package io.hwaas.client.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.client.metrics.ClientMetrics;
import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.HelloWriter;
import io.hwaas.common.hello.Names;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.common.time.Stop;
import io.hwaas.runtime.Liveness;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger is the only record of what a client holds while Redis is away, so it is written
 * through to the disk during an outage too, not only after a send: a real Redis is frozen while
 * the client keeps ticking.
 */
class SenderLedgerIT {
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();

    @TempDir
    Path dir;

    @Test
    void theLedgerIsForcedOnceASecondWhileRedisIsAway() throws Exception {
        CommonConfig common = CommonConfig.fromEnv(new Env(Map.of("REDIS_URL", redis.url(1), "HWAAS_REDIS_TIMEOUT",
                "300ms")));
        long start = System.currentTimeMillis();
        String container = Names.startedName("outage", start);
        Ledger ledger = Ledger.create(dir, container, 1, 100, start, 3600);
        Outbox outbox = new Outbox(container + "-0", 3600, new HelloWriter(common.keys(), container + "-0",
                common.auditTtl(), common.clock()), ledger.slot(0));
        Sender sender = new Sender(List.of(outbox), common, RedisConnector.of(common.redis(), "test-" + container),
                new ClientMetrics(new PrometheusRegistry(), outbox::size, 1, Duration.ofMillis(100)),
                new Sender.Identity(container, container + ":1", 100), new Liveness(Duration.ofSeconds(30),
                        common.clock()), new Sender.Ledgers(ledger, null));
        Thread thread = new Thread(sender, "sender");
        thread.start();
        try {
            outbox.add();
            sender.wake();
            assertThat(sender.awaitFirstSend(Duration.ofSeconds(20))).as("first hello sent").isTrue();
            redis.pause();
            long before = ledger.forced();
            try {
                // Ticks that cannot be sent: held, and on record only in the ledger.
                for (int i = 0; i < 30; i++) {
                    outbox.add();
                    sender.wake();
                }
                await("the ledger forced twice during the outage").atMost(Duration.ofSeconds(5))
                        .until(() -> ledger.forced() - before >= 2);
                assertThat(outbox.size()).as("held while Redis is frozen").isGreaterThanOrEqualTo(30);
            } finally {
                redis.unpause();
            }
        } finally {
            sender.stop(new Stop(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5)));
            thread.join(10_000);
        }
        assertThat(outbox.size()).as("all sent once Redis is back").isZero();
    }
}
