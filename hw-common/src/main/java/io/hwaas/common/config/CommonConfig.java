package io.hwaas.common.config;

import io.hwaas.common.hello.Hello;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings both services read. Defaults live here and in the README's configuration table.
 *
 * @param redis {@code REDIS_URL}, default {@value RedisUrl#DEFAULT}
 * @param redisTimeout {@code HWAAS_REDIS_TIMEOUT}, connect and command timeout, default 2s
 * @param redisCaFile {@code HWAAS_REDIS_CA_FILE}, PEM CA for {@code rediss://}, default none
 * @param keys {@code HWAAS_NAMESPACE} (default resque) and {@code HWAAS_QUEUE} (default hello)
 * @param metricsPort {@code HWAAS_METRICS_PORT}, 0 turns the HTTP endpoint off, default 9400
 * @param auditTtl {@code HWAAS_AUDIT_TTL}, how long audit and dedup records live, default 24h
 */
public record CommonConfig(RedisUrl redis, Duration redisTimeout, Path redisCaFile, Keys keys, int metricsPort,
        Duration auditTtl) {

    /** Reads and validates the shared settings. */
    public static CommonConfig fromEnv(Env env) {
        RedisUrl redis = RedisUrl.parse(RedisUrl.VARIABLE, env.string(RedisUrl.VARIABLE, RedisUrl.DEFAULT));
        Duration timeout = env.duration("HWAAS_REDIS_TIMEOUT", Duration.ofSeconds(2),
                Duration.ofMillis(100), Duration.ofMinutes(1));
        Path ca = null;
        String caValue = env.raw("HWAAS_REDIS_CA_FILE");
        if (caValue != null) {
            ca = Path.of(caValue);
            if (!Files.isReadable(ca)) {
                throw new ConfigException("HWAAS_REDIS_CA_FILE", caValue, "no such readable file");
            }
            if (!redis.tls()) {
                throw new ConfigException("HWAAS_REDIS_CA_FILE", caValue,
                        "only applies to TLS; REDIS_URL must start with rediss://");
            }
        }
        Keys keys = new Keys(env.keyPart("HWAAS_NAMESPACE", Hello.DEFAULT_NAMESPACE),
                env.keyPart("HWAAS_QUEUE", Hello.DEFAULT_QUEUE));
        int metricsPort = env.integer("HWAAS_METRICS_PORT", 9400, 0, 65535);
        Duration auditTtl = env.duration("HWAAS_AUDIT_TTL", Duration.ofHours(24),
                Duration.ofMinutes(1), Duration.ofDays(30));
        // Parsed by the logging set-up before this runs; validated here so a typo stops the service.
        env.choice("HWAAS_LOG_FORMAT", "text", "text", "json");
        env.choice("HWAAS_LOG_LEVEL", "info", "error", "warn", "info", "debug", "trace");
        return new CommonConfig(redis, timeout, ca, keys, metricsPort, auditTtl);
    }
}
