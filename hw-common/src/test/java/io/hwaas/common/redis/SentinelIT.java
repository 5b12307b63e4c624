package io.hwaas.common.redis;

import static io.hwaas.common.testing.TestEnv.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hwaas.common.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.Jedis;

/** Finding the primary through a real Sentinel, with passwords on both, and the errors a bad setting gets. */
class SentinelIT {
    private static Network network;
    private static TestRedis primary;
    private static GenericContainer<?> sentinel;

    @BeforeAll
    static void start() {
        network = Network.newNetwork();
        primary = TestRedis.start(c -> c.withNetwork(network), "--requirepass", "data-secret");
        String primaryIp = ip(primary.container());
        sentinel = new GenericContainer<>(DockerImageName.parse(TestRedis.image()))
                .withNetwork(network)
                .withCommand("sh", "-c", "printf 'port 26379\\nrequirepass sentinel-secret\\n"
                        + "sentinel monitor hwaas " + primaryIp + " 6379 1\\nsentinel auth-pass hwaas data-secret\\n'"
                        + " > /tmp/sentinel.conf && exec redis-server /tmp/sentinel.conf --sentinel")
                .waitingFor(Wait.forLogMessage(".*\\+monitor master hwaas.*", 1));
        sentinel.start();
    }

    @AfterAll
    static void stop() {
        sentinel.stop();
        primary.close();
        network.close();
    }

    private static String ip(GenericContainer<?> container) {
        return container.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    }

    private static RedisConnector connector(String master, String sentinelPassword) {
        return RedisConnector.of(RedisConfig.fromEnv(env("REDIS_URL", "redis://" + master + "/2",
                "HWAAS_REDIS_PASSWORD", "data-secret", "HWAAS_REDIS_SENTINELS", "127.0.0.1:1," + ip(sentinel) + ":26379",
                "HWAAS_REDIS_SENTINEL_PASSWORD", sentinelPassword)), "sentinel-it");
    }

    @Test
    void thePrimaryIsFoundThroughTheSentinelsEvenWhenTheFirstIsDown() {
        try (Jedis jedis = connector("hwaas", "sentinel-secret").open(Duration.ZERO)) {
            jedis.set("found", "yes");
            assertThat(jedis.get("found")).as("a round trip on the primary the Sentinel named").isEqualTo("yes");
        }
    }

    @Test
    void aMasterTheSentinelsDoNotKnowIsReportedByName() {
        assertThatThrownBy(() -> connector("no-such-master", "sentinel-secret").open(Duration.ZERO))
                .as("an unknown master name").isInstanceOf(RedisConnector.RedisUnavailable.class)
                .hasMessageContaining("knows no master named 'no-such-master'").hasMessageContaining("REDIS_URL");
    }

    @Test
    void aWrongSentinelPasswordIsACredentialsProblem() {
        assertThatThrownBy(() -> connector("hwaas", "wrong").open(Duration.ZERO)).as("a wrong Sentinel password")
                .satisfies(e -> assertThat(RedisFailure.of(e)).as("classified").isEqualTo(RedisFailure.CREDENTIALS));
    }

    @Test
    void theTopologyConnectionReachesASentinel() {
        try (Jedis jedis = connector("hwaas", "sentinel-secret").openSentinel()) {
            assertThat(jedis.sentinelGetMasterAddrByName("hwaas")).as("the Sentinel's answer").contains(ip(primary.container()));
        }
    }
}
