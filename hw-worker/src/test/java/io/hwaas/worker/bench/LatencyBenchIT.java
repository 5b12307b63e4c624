package io.hwaas.worker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.common.testing.TestRedis;
import io.hwaas.worker.RunningWorker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class LatencyBenchIT {
    private static final Keys KEYS = new Keys("resque", "hello");

    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();

    private final Jedis jedis = redis.db();

    @Test
    void aRedisThatGoesAwayMidWindowDelaysTheFigureInsteadOfEndingIt() throws Exception {
        // ./hwaas bench --ha lost its unpacked figure this way: on a saturated host Sentinel failed
        // the primary over, and the benchmark's one connection timed out and ended the script.
        try (RunningWorker worker = RunningWorker.start(redis.url(1))) {
            TestHellos.enqueue(jedis, KEYS, "bench-client", 1, 50);
            CompletableFuture<Integer> bench = CompletableFuture.supplyAsync(() -> {
                try {
                    return LatencyBench.main(new Env(Map.of("REDIS_URL", redis.url(1))),
                            new String[] {"--window", "3", "--windows", "2"});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(Duration.ofSeconds(1).toMillis());
            redis.restart();
            assertThat(bench.get(60, TimeUnit.SECONDS)).as("exit status after both windows").isZero();
        }
    }
}
