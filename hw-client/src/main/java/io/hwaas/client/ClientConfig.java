package io.hwaas.client;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import java.time.Duration;

/**
 * The client's settings, from the environment. Defaults are documented here and in the README.
 *
 * @param common the settings both services share
 * @param clientsPerContainer {@code HWAAS_CLIENTS_PER_CONTAINER}: logical clients in this process (1)
 * @param interval {@code HWAAS_CLIENT_INTERVAL}: time between one client's hellos (1s)
 * @param bufferCapacity {@code HWAAS_CLIENT_BUFFER}: unsent hellos held per logical client while
 *     Redis is unreachable; beyond it the oldest is dropped, logged and counted (3600, an hour)
 * @param flushTimeout {@code HWAAS_CLIENT_FLUSH_TIMEOUT}: how long a stopping client keeps trying
 *     to send what it holds (5s)
 * @param idPrefix {@code HWAAS_CLIENT_ID}: prefix of the client ids; default the host name
 */
public record ClientConfig(CommonConfig common, int clientsPerContainer, Duration interval, int bufferCapacity,
        Duration flushTimeout, String idPrefix) {

    /** Reads and validates the client's settings. */
    public static ClientConfig fromEnv(Env env, String defaultPrefix) {
        CommonConfig common = CommonConfig.fromEnv(env);
        int perContainer = env.integer("HWAAS_CLIENTS_PER_CONTAINER", 1, 1, 10_000);
        Duration interval = env.duration("HWAAS_CLIENT_INTERVAL", Duration.ofSeconds(1),
                Duration.ofMillis(1), Duration.ofHours(1));
        int buffer = env.integer("HWAAS_CLIENT_BUFFER", 3600, 1, 10_000_000);
        Duration flush = env.duration("HWAAS_CLIENT_FLUSH_TIMEOUT", Duration.ofSeconds(5),
                Duration.ZERO, Duration.ofMinutes(5));
        String prefix = env.keyPart("HWAAS_CLIENT_ID", defaultPrefix);
        return new ClientConfig(common, perContainer, interval, buffer, flush, prefix);
    }
}
