package io.hwaas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hwaas.common.config.Env;
import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.Command;
import io.hwaas.common.testing.TestRedis;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.json.ObjectMapperFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * What a client container holds survives its death: a real client process is killed (SIGKILL)
 * or stopped (SIGTERM) while Redis is frozen, and another container sharing the ledger
 * directory re-sends its hellos under their own ids and tells the audit.
 */
class LedgerIT {
    private static final Keys KEYS = new Keys("resque", "hello");
    @RegisterExtension
    static final TestRedis redis = TestRedis.perClass();
    private final Jedis jedis = redis.db();

    @TempDir
    Path ledgers;

    /** The real client's Main in a JVM of its own, so that it can be killed like a container. */
    private Process fork(Path log, String... env) throws Exception {
        Map<String, String> vars = new HashMap<>(Map.of("REDIS_URL", redis.url(1), "HWAAS_METRICS_PORT", "0",
                "HWAAS_CLIENT_LEDGER_DIR", ledgers.toString()));
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        // Only what the test sets: a developer's own HWAAS_* settings must not change what it sees.
        return Command.java(List.of(), Main.class.getName()).unset(name -> name.startsWith("HWAAS_")).env(vars)
                .start(log);
    }

    private Set<Long> queuedSeqs(String client) throws Exception {
        Set<Long> seqs = new TreeSet<>();
        for (String payload : jedis.lrange(KEYS.queue(), 0, -1)) {
            Hello.Meta meta = Hello.meta(ObjectMapperFactory.get().readValue(payload, Job.class));
            if (meta.client().equals(client)) {
                seqs.add(meta.seq());
            }
        }
        return seqs;
    }

    private List<Path> ledgerFiles() throws Exception {
        try (Stream<Path> files = Files.list(ledgers)) {
            return files.filter(f -> f.toString().endsWith(".ledger")).toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGKILL", "SIGTERM"})
    void whatADeadContainerHeldIsResentByAnother(String signal, @TempDir Path logs) throws Exception {
        Process dying = fork(logs.resolve("dying.log"), "HWAAS_CLIENT_ID", "dying", "HWAAS_CLIENT_INTERVAL", "50ms",
                "HWAAS_CLIENTS_PER_CONTAINER", "2", "HWAAS_REDIS_TIMEOUT", "300ms", "HWAAS_CLIENT_FLUSH_TIMEOUT", "500ms");
        await("the first hellos").atMost(Duration.ofSeconds(20)).until(() -> jedis.llen(KEYS.queue()) > 4);
        String container = ledgerFiles().get(0).getFileName().toString().replace(".ledger", "");
        redis.pause();
        try {
            // Held while Redis is frozen: about twenty per client a second. A window, not a condition.
            Thread.sleep(1500);
            if (signal.equals("SIGKILL")) {
                dying.destroyForcibly();
            } else {
                dying.destroy();
            }
            dying.waitFor();
        } finally {
            redis.unpause();
        }
        assertThat(ledgerFiles()).as("the ledger left behind").hasSize(1);
        long sentBefore = queuedSeqs(container + "-0").size();

        Map<String, String> vars = new HashMap<>(Map.of("REDIS_URL", redis.url(1), "HWAAS_METRICS_PORT", "0",
                "HWAAS_CLIENT_LEDGER_DIR", ledgers.toString(), "HWAAS_CLIENT_ID", "heir"));
        ClientProcess heir = new ClientProcess(ClientConfig.fromEnv(new Env(vars), "heir"), new PrometheusRegistry());
        heir.start();
        try {
            await("the dead container's record closed by its heir").atMost(Duration.ofSeconds(30)).until(() ->
                    ClientRecord.ADOPTED.equals(jedis.hget(KEYS.clientRecord(container), "state")));
        } finally {
            heir.stop();
        }
        ClientRecord record = ClientRecord.parse(container, jedis.hgetAll(KEYS.clientRecord(container)));
        for (int i = 0; i < 2; i++) {
            long made = record.ticks()[i];
            List<Long> all = new ArrayList<>();
            for (long seq = 1; seq <= made; seq++) {
                all.add(seq);
            }
            assertThat(queuedSeqs(container + "-" + i)).as("client " + i + ": every hello it made, 1.." + made)
                    .containsExactlyElementsOf(all);
            assertThat(record.sent()[i]).as("client " + i + ": nothing left unsent").isEqualTo(made);
        }
        assertThat(record.ticks()[0]).as("made more than were sent before the freeze").isGreaterThan(sentBefore + 10);
        assertThat(ledgerFiles()).as("ledgers left: the adopted one is deleted, the heir's own on its stop").isEmpty();
    }
}
