package io.hwaas.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.testing.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A failover the way a managed Redis (ElastiCache and the like) does it, with the real images: the
 * replica is promoted, the old primary demoted with REPLICAOF while the services still talk to it
 * (READONLY), then the DNS name of the primary endpoint is re-pointed at the new primary. The
 * services must hold through it, follow the name within seconds (HWAAS_DNS_TTL), and lose nothing.
 */
class ManagedRedisIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String run = "hwaas-managed-" + UUID.randomUUID().toString().substring(0, 8);
    private final String services = run + "-services";
    private final String replication = run + "-replication";
    private final String password = UUID.randomUUID().toString();
    private final Stack docker = Stack.create("managed-it");
    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void removeEverything() throws Exception {
        for (String container : containers) {
            docker.docker(Duration.ofMinutes(1), "rm", "-f", "-v", container);
        }
        docker.docker(Duration.ofSeconds(30), "network", "rm", services, replication);
    }

    private String redisImage() {
        return System.getenv().getOrDefault("HWAAS_REDIS_IMAGE", "redis:7.4");
    }

    private void start(String name, String network, String... imageAndArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", network));
        command.addAll(List.of(imageAndArgs));
        Command.Result r = docker.docker(Duration.ofMinutes(1), command.toArray(new String[0]));
        assertThat(r.exit()).as("docker run " + name + ": " + r.all()).isZero();
        containers.add(name);
    }

    private String cli(String node, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("exec", "-e", "REDISCLI_AUTH=" + password, node, "redis-cli",
                "--no-auth-warning"));
        command.addAll(List.of(args));
        return docker.docker(Duration.ofSeconds(30), command.toArray(new String[0])).out().trim();
    }

    private long printed(String worker) throws Exception {
        return docker.docker(Duration.ofSeconds(30), "logs", worker).out().lines().filter("hello, world!"::equals).count();
    }

    private String[] serviceEnv(String image, String... more) {
        List<String> args = new ArrayList<>(List.of("-e", "REDIS_URL=redis://redis-primary:6379/1", "-e",
                "HWAAS_REDIS_PASSWORD=" + password, "-e", "HWAAS_DNS_TTL=1s", "-e", "HWAAS_REDIS_WAIT_REPLICAS=1",
                "-e", "HWAAS_REDIS_TIMEOUT=1s", "-e", "HWAAS_WORKER_BLOCK_TIMEOUT=1s"));
        for (String m : more) {
            args.add("-e");
            args.add(m);
        }
        args.add(image);
        return args.toArray(new String[0]);
    }

    @Test
    void aPrimaryDemotedAndADnsNameRepointedLoseNothing() throws Exception {
        assertThat(docker.compose(Duration.ofMinutes(15), "build").exit()).as("the images build").isZero();
        for (String network : List.of(services, replication)) {
            assertThat(docker.docker(Duration.ofSeconds(30), "network", "create", network).exit()).as("network").isZero();
        }
        String a = run + "-a";
        String b = run + "-b";
        String[] redis = {redisImage(), "redis-server", "--requirepass", password, "--masterauth", password,
            "--maxmemory-policy", "noeviction"};
        start(a, replication, redis);
        List<String> replica = new ArrayList<>(List.of(redis));
        replica.addAll(List.of("--replicaof", a, "6379"));
        start(b, replication, replica.toArray(new String[0]));
        // The primary endpoint: a DNS name on the services' network, as the provider's is.
        assertThat(docker.docker(Duration.ofSeconds(30), "network", "connect", "--alias", "redis-primary", services, a)
                .exit()).as("name the primary").isZero();
        await("the replica in sync").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> cli(a, "INFO", "replication").contains("connected_slaves:1"));

        String worker = run + "-worker";
        String client = run + "-client";
        start(worker, services, serviceEnv("hwaas-worker:latest"));
        start(client, services, serviceEnv("hwaas-client:latest", "HWAAS_CLIENTS_PER_CONTAINER=5",
                "HWAAS_CLIENT_INTERVAL=100ms"));
        await("hellos printed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> printed(worker) > 50);

        // The provider's failover: promote the replica, demote the primary, while the name still points at it.
        assertThat(cli(b, "REPLICAOF", "NO", "ONE")).as("promote").isEqualTo("OK");
        assertThat(cli(a, "REPLICAOF", b, "6379")).as("demote").isEqualTo("OK");
        long demoted = printed(worker);
        // The name lags behind the failover for a few seconds, as DNS does.
        Thread.sleep(3000);
        assertThat(docker.docker(Duration.ofSeconds(30), "network", "disconnect", services, a).exit()).as("unname a")
                .isZero();
        assertThat(docker.docker(Duration.ofSeconds(30), "network", "connect", "--alias", "redis-primary", services, b)
                .exit()).as("name b").isZero();
        long repointedAt = System.nanoTime();
        await("printing again once the name points at the new primary").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() -> printed(worker) > demoted + 20);
        double seconds = (System.nanoTime() - repointedAt) / 1e9;

        assertThat(docker.docker(Duration.ofMinutes(1), "stop", "-t", "15", client).exit()).as("stop the client").isZero();
        await("drained").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> "0".equals(cli(b, "-n", "1", "LLEN", new io.hwaas.common.hello.Keys("resque", "hello").queue())));
        List<String> audit = new ArrayList<>(List.of("run", "--rm", "--network", services));
        audit.addAll(List.of(serviceEnv("hwaas-worker:latest")));
        audit.addAll(List.of("audit", "--json"));
        Command.Result result = docker.docker(Duration.ofMinutes(2), audit.toArray(new String[0]));
        JsonNode report = JSON.readTree(result.out().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no audit: " + result.all())));
        System.out.printf("MANAGED: printing again %.1f s after the name moved; submitted %d, printed %d, lost %d,"
                + " duplicates %d%n", seconds, report.path("submitted").asLong(), report.path("printed").asLong(),
                report.path("lost").asLong(), report.path("duplicates").asLong());
        assertThat(result.exit()).as("audit exit status: " + result.all()).isZero();
        assertThat(report.path("lost").asLong()).as("lost").isZero();
        assertThat(report.path("printed").asLong()).as("printed = submitted").isEqualTo(report.path("submitted").asLong());
        assertThat(seconds).as("seconds from re-pointing the name to printing again").isLessThan(10.0);
        assertThat(docker.docker(Duration.ofSeconds(30), "logs", worker).err()).as("the worker noticed the demotion")
                .contains("READONLY").doesNotContain("Exception in thread");
    }
}
