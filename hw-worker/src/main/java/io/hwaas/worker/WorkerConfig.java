package io.hwaas.worker;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Names;
import io.hwaas.common.time.Stop;
import java.time.Duration;

/**
 * The worker's settings, from the environment. Defaults are documented here and in docs/configuration.md.
 *
 * @param common the settings both services share
 * @param threads {@code HWAAS_WORKER_THREADS}: consumer threads, each with its own connection (2)
 * @param batchSize {@code HWAAS_WORKER_BATCH}: most jobs a consumer claims at once (100, or 500 when
 *     writes wait for replicas)
 * @param blockTimeout {@code HWAAS_WORKER_BLOCK_TIMEOUT}: how long an idle consumer blocks in BLMOVE (5s)
 * @param heartbeat {@code HWAAS_HEARTBEAT_INTERVAL}: liveness and recovery period (1s)
 * @param deadAfter {@code HWAAS_WORKER_DEAD_AFTER}: silence after which a worker's jobs are recovered
 *     (4s, or four heartbeats if longer)
 * @param maxArgLength {@code HWAAS_MAX_ARG_LENGTH}: longest argument printed, in characters (1024)
 * @param maxPayloadBytes {@code HWAAS_MAX_PAYLOAD_BYTES}: longest payload parsed (65536)
 * @param deadLetterMax {@code HWAAS_DEADLETTER_MAX}: dead-letter entries kept, newest first (10000)
 * @param deadLetterMaxBytes {@code HWAAS_DEADLETTER_MAX_BYTES}: bytes the dead-letter entries may take
 *     together (64 MiB)
 * @param deadLetterMaxAge {@code HWAAS_DEADLETTER_MAX_AGE}: how long a dead-letter entry is kept (4320h, 180
 *     days, as Sidekiq's dead set); beyond any of the three caps the oldest entries are dropped, counted and
 *     logged when a poison is filed
 * @param name {@code HWAAS_WORKER_NAME}: unique worker name; default host name plus start time
 */
public record WorkerConfig(CommonConfig common, int threads, int batchSize, Duration blockTimeout, Duration heartbeat,
        Duration deadAfter, int maxArgLength, int maxPayloadBytes, int deadLetterMax, long deadLetterMaxBytes,
        Duration deadLetterMaxAge, String name) {

    /** Reads and validates the worker's settings; the default name is this host's and the start time. */
    public static WorkerConfig fromEnv(Env env) {
        return fromEnv(env, Names.startedName(Names.host("worker"), System.currentTimeMillis()));
    }

    /** Reads and validates the worker's settings. */
    public static WorkerConfig fromEnv(Env env, String defaultName) {
        CommonConfig common = CommonConfig.fromEnv(env);
        int threads = env.integer("HWAAS_WORKER_THREADS", 2, 1, 64);
        // Waiting for a replica costs a round trip per batch, not per hello: larger batches under
        // WAIT keep one worker's drain near the single Redis' (docs/performance.md). Larger
        // batches only matter with a backlog; they also mean more reprints when a worker dies in it.
        int batch = env.integer("HWAAS_WORKER_BATCH", common.redis().waitReplicas() > 0 ? 500 : 100, 1, 1000);
        Duration block = env.duration("HWAAS_WORKER_BLOCK_TIMEOUT", Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofMinutes(1));
        Duration heartbeat = env.duration("HWAAS_HEARTBEAT_INTERVAL", Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofSeconds(10));
        // The default follows a longer heartbeat, so setting only the interval keeps a valid pair.
        Duration defaultDeadAfter = heartbeat.multipliedBy(4).compareTo(Duration.ofSeconds(4)) > 0
                ? heartbeat.multipliedBy(4) : Duration.ofSeconds(4);
        Duration deadAfter = env.duration("HWAAS_WORKER_DEAD_AFTER", defaultDeadAfter,
                Duration.ofMillis(300), Duration.ofMinutes(10));
        if (deadAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new ConfigException("HWAAS_WORKER_DEAD_AFTER", env.raw("HWAAS_WORKER_DEAD_AFTER"),
                    "must be at least twice HWAAS_HEARTBEAT_INTERVAL (" + heartbeat.toMillis()
                            + "ms), or a worker that is merely slow would be declared dead");
        }
        int maxArg = env.integer("HWAAS_MAX_ARG_LENGTH", 1024, 1, 1_000_000);
        int maxPayload = env.integer("HWAAS_MAX_PAYLOAD_BYTES", 65_536, 1024, 1 << 20);
        int deadLetterMax = env.integer("HWAAS_DEADLETTER_MAX", 10_000, 1, 10_000_000);
        long deadLetterMaxBytes = env.integer("HWAAS_DEADLETTER_MAX_BYTES", 64 << 20, 1 << 20, Integer.MAX_VALUE);
        Duration deadLetterMaxAge = env.duration("HWAAS_DEADLETTER_MAX_AGE", Duration.ofDays(180),
                Duration.ofMinutes(1), Duration.ofDays(3650));
        String name = env.keyPart("HWAAS_WORKER_NAME", defaultName);
        return new WorkerConfig(common, threads, batch, block, heartbeat, deadAfter, maxArg, maxPayload,
                deadLetterMax, deadLetterMaxBytes, deadLetterMaxAge, name);
    }

    /** The stop timeouts. */
    public Stop stop() {
        return Stop.worker();
    }

    /** The same settings under another name (the benchmark runs several workers in turn). */
    public WorkerConfig named(String otherName) {
        return new WorkerConfig(common, threads, batchSize, blockTimeout, heartbeat, deadAfter, maxArgLength,
                maxPayloadBytes, deadLetterMax, deadLetterMaxBytes, deadLetterMaxAge, otherName);
    }
}
