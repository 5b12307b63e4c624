package io.hwaas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.common.config.Env;
import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestRedis;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.json.ObjectMapperFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** The client against a real Redis: schedule, order, buffering through outages, overflow, flush. */
class ClientIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    private ClientProcess start(String... env) {
        Map<String, String> vars = new HashMap<>();
        vars.put("REDIS_URL", redis.url(1));
        vars.put("HWAAS_METRICS_PORT", "0");
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        ClientProcess client = new ClientProcess(ClientConfig.fromEnv(new Env(vars), "it"), new PrometheusRegistry());
        client.start();
        return client;
    }

    /** The queued hellos' sequence numbers, per client, in queue order. */
    private Map<String, List<Long>> queued() throws Exception {
        Map<String, List<Long>> seqs = new LinkedHashMap<>();
        for (String payload : jedis.lrange(KEYS.queue(), 0, -1)) {
            Job job = ObjectMapperFactory.get().readValue(payload, Job.class);
            assertThat(job.getClassName()).as("job name").isEqualTo("PrintJob");
            assertThat(job.getArgs()).as("job args").containsExactly(Hello.MESSAGE);
            Hello.Meta meta = Hello.meta(job);
            seqs.computeIfAbsent(meta.client(), c -> new ArrayList<>()).add(meta.seq());
        }
        return seqs;
    }

    /**
     * The sequence without repeats. A send whose reply was lost (Redis frozen mid-pipeline) is
     * sent again, so a hello may be queued twice; the worker's deduplication prints it once.
     */
    private static List<Long> distinct(List<Long> seqs) {
        return seqs.stream().distinct().toList();
    }

    private static List<Long> oneTo(long n) {
        List<Long> list = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            list.add(i);
        }
        return list;
    }

    @Test
    void eachLogicalClientSubmitsOnScheduleInOrderWithItsOwnIdentity() throws Exception {
        long started = System.nanoTime();
        ClientProcess client = start("HWAAS_CLIENTS_PER_CONTAINER", "3", "HWAAS_CLIENT_INTERVAL", "100ms");
        await("twenty hellos from each client").atMost(Duration.ofSeconds(10))
                .until(() -> client.metrics().submittedTotal() >= 60);
        double seconds = (System.nanoTime() - started) / 1e9;
        client.stop();
        assertThat(seconds).as("seconds for twenty ticks at 100 ms: on schedule, not faster").isGreaterThan(1.8);
        Map<String, List<Long>> seqs = queued();
        assertThat(seqs.keySet()).as("client ids").containsExactlyInAnyOrderElementsOf(client.clientIds());
        for (Map.Entry<String, List<Long>> c : seqs.entrySet()) {
            assertThat(c.getValue()).as("sequence of " + c.getKey() + ": 1..n, in order, no gaps")
                    .isEqualTo(oneTo(c.getValue().size()))
                    .hasSizeBetween(20, 25);
            for (long seq : c.getValue()) {
                assertThat(jedis.getbit(KEYS.audit(c.getKey(), 0), AuditBits.offset(seq, AuditBits.SUBMITTED)))
                        .as("submitted bit of " + c.getKey() + ":" + seq).isTrue();
            }
            assertThat(jedis.ttl(KEYS.audit(c.getKey(), 0))).as("audit bitmap TTL").isPositive();
        }
        assertThat(client.metrics().submittedTotal()).as("submitted = queued")
                .isEqualTo(seqs.values().stream().mapToLong(List::size).sum());
        assertThat(client.held()).as("held after stop").isZero();
    }

    @Test
    void holdsHellosWhileRedisIsFrozenAndSendsThemInOrderAfterwards() throws Exception {
        ClientProcess client = start("HWAAS_CLIENT_INTERVAL", "50ms", "HWAAS_REDIS_TIMEOUT", "500ms");
        await("first hellos").atMost(Duration.ofSeconds(10)).until(() -> jedis.llen(KEYS.queue()) > 0);
        redis.pause();
        await("hellos held while Redis is frozen").atMost(Duration.ofSeconds(10)).until(() -> client.held() > 30);
        long heldDuringOutage = client.held();
        redis.unpause();
        await("buffer drained").atMost(Duration.ofSeconds(20)).until(() -> client.held() < 3);
        client.stop();
        assertThat(heldDuringOutage).as("hellos held while Redis was frozen").isGreaterThan(30);
        List<Long> queued = queued().values().iterator().next();
        List<Long> seqs = distinct(queued);
        assertThat(seqs).as("every hello arrives once the outage ends, in order").isEqualTo(oneTo(seqs.size()));
        assertThat((long) queued.size() - seqs.size()).as("repeats: only from retried sends")
                .isLessThanOrEqualTo(client.metrics().retriesTotal());
    }

    @Test
    void aFullBufferDropsTheOldestAndLeavesAGapTheAuditCanSee() throws Exception {
        ClientProcess client = start("HWAAS_CLIENT_INTERVAL", "50ms", "HWAAS_CLIENT_BUFFER", "5",
                "HWAAS_REDIS_TIMEOUT", "500ms");
        await("first hellos").atMost(Duration.ofSeconds(10)).until(() -> jedis.llen(KEYS.queue()) > 0);
        redis.pause();
        // Forty ticks into a buffer of five: the oldest are dropped, and the buffer never grows past its cap.
        await("the buffer stays within its cap while Redis is frozen").during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3)).until(() -> client.held() <= 5);
        redis.unpause();
        await("buffer drained").atMost(Duration.ofSeconds(20)).until(() -> client.held() < 3);
        client.stop();
        List<Long> seqs = distinct(queued().values().iterator().next());
        long last = seqs.get(seqs.size() - 1);
        assertThat(seqs.size()).as("hellos that arrived").isLessThan((int) last);
        long dropped = last - seqs.size();
        String id = client.clientIds().get(0);
        long gaps = 0;
        for (long seq = 1; seq <= last; seq++) {
            if (!jedis.getbit(KEYS.audit(id, 0), AuditBits.offset(seq, AuditBits.SUBMITTED))) {
                gaps++;
            }
        }
        assertThat(gaps).as("sequence numbers never submitted = hellos dropped").isEqualTo(dropped).isPositive();
    }

    @Test
    void stoppingFlushesWhatIsHeld() throws Exception {
        ClientProcess client = start("HWAAS_CLIENT_INTERVAL", "20ms", "HWAAS_REDIS_TIMEOUT", "300ms");
        await("first hellos").atMost(Duration.ofSeconds(10)).until(() -> jedis.llen(KEYS.queue()) > 0);
        redis.pause();
        await("hellos held while Redis is frozen").atMost(Duration.ofSeconds(10)).until(() -> client.held() > 10);
        // Redis comes back a second into the stop, which must wait for it and flush.
        CompletableFuture<Void> unpause = CompletableFuture.runAsync(redis::unpause,
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
        long held = client.held();
        client.stop();
        unpause.get(30, TimeUnit.SECONDS);
        assertThat(held).as("held when asked to stop").isGreaterThan(10);
        assertThat(client.held()).as("held after stop").isZero();
        List<Long> seqs = distinct(queued().values().iterator().next());
        assertThat(seqs).as("everything made was sent").isEqualTo(oneTo(seqs.size()));
        assertThat((long) seqs.size()).as("sent = made").isEqualTo(client.metrics().submittedTotal());
    }

    @Test
    void reconnectsAfterARedisRestart() throws Exception {
        ClientProcess client = start("HWAAS_CLIENT_INTERVAL", "100ms");
        await("first hellos").atMost(Duration.ofSeconds(10)).until(() -> jedis.llen(KEYS.queue()) > 0);
        redis.restart();
        long after = jedis.llen(KEYS.queue());
        await("hellos after the restart").atMost(Duration.ofSeconds(20)).until(() -> jedis.llen(KEYS.queue()) > after + 5);
        client.stop();
        List<Long> seqs = distinct(queued().values().iterator().next());
        assertThat(seqs).as("no hello lost or reordered across the restart").isEqualTo(oneTo(seqs.size()));
    }

    @Test
    void holdsHellosWhileRedisRefusesWritesForLackOfMemory() throws Exception {
        ClientProcess client = start("HWAAS_CLIENT_INTERVAL", "50ms");
        await("first hellos").atMost(Duration.ofSeconds(10)).until(() -> jedis.llen(KEYS.queue()) > 0);
        // noeviction and no memory left: Redis answers every write with an OOM error reply.
        jedis.configSet("maxmemory", "1");
        try {
            await("hellos held while Redis refuses writes").atMost(Duration.ofSeconds(10))
                    .until(() -> client.held() > 20);
        } finally {
            jedis.configSet("maxmemory", "0");
        }
        await("buffer drained").atMost(Duration.ofSeconds(20)).until(() -> client.held() < 3);
        client.stop();
        List<Long> seqs = distinct(queued().values().iterator().next());
        assertThat(seqs).as("no hello dropped for an error reply").isEqualTo(oneTo(seqs.size()));
        assertThat(client.metrics().retriesTotal()).as("retries").isPositive();
    }
}
