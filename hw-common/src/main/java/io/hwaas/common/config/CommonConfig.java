package io.hwaas.common.config;

import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConfig;
import io.hwaas.common.time.ServiceClock;
import java.time.Duration;

/**
 * Settings both services read. Defaults live here and in docs/configuration.md.
 *
 * @param redis how to reach Redis ({@code REDIS_URL} and the {@code HWAAS_REDIS_*} variables)
 * @param keys {@code HWAAS_NAMESPACE} (default resque) and {@code HWAAS_QUEUE} (default hello)
 * @param metricsPort {@code HWAAS_METRICS_PORT}, 0 turns the HTTP endpoint off, default 9400
 * @param auditTtl {@code HWAAS_AUDIT_TTL}, how long audit and dedup records live, default 24h
 * @param clockOffset {@code HWAAS_CLOCK_OFFSET}: shifts this process's wall clock, to test that no
 *     decision depends on it (liveness is judged on Redis' clock); default 0
 */
public record CommonConfig(RedisConfig redis, Keys keys, int metricsPort, Duration auditTtl, Duration clockOffset) {

    /** Reads and validates the shared settings. */
    public static CommonConfig fromEnv(Env env) {
        RedisConfig redis = RedisConfig.fromEnv(env);
        Keys keys = new Keys(env.keyPart("HWAAS_NAMESPACE", Hello.DEFAULT_NAMESPACE),
                env.keyPart("HWAAS_QUEUE", Hello.DEFAULT_QUEUE));
        int metricsPort = env.integer("HWAAS_METRICS_PORT", 9400, 0, 65535);
        Duration auditTtl = env.duration("HWAAS_AUDIT_TTL", Duration.ofHours(24),
                Duration.ofMinutes(1), Duration.ofDays(30));
        Duration clockOffset = env.signedDuration("HWAAS_CLOCK_OFFSET", Duration.ZERO, Duration.ofDays(1));
        // Parsed by the logging set-up before this runs; validated here so a typo stops the service.
        env.choice("HWAAS_LOG_FORMAT", "text", "text", "json");
        env.choice("HWAAS_LOG_LEVEL", "info", "error", "warn", "info", "debug", "trace");
        return new CommonConfig(redis, keys, metricsPort, auditTtl, clockOffset);
    }

    /** This process's wall clock, shifted by {@code HWAAS_CLOCK_OFFSET}. */
    public ServiceClock clock() {
        return ServiceClock.system(clockOffset);
    }
}
