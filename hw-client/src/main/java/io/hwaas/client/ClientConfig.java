package io.hwaas.client;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.common.time.Stop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The client's settings, from the environment. Defaults are documented here and in
 * docs/configuration.md.
 *
 * @param common the settings both services share
 * @param clientsPerContainer {@code HWAAS_CLIENTS_PER_CONTAINER}: logical clients in this process (1)
 * @param interval {@code HWAAS_CLIENT_INTERVAL}: time between one client's hellos (1s)
 * @param bufferCapacity {@code HWAAS_CLIENT_BUFFER}: unsent hellos held per logical client while
 *     Redis is unreachable; beyond it the oldest is dropped, logged and counted (3600, an hour)
 * @param flushTimeout {@code HWAAS_CLIENT_FLUSH_TIMEOUT}: how long a stopping client keeps trying
 *     to send what it holds (5s)
 * @param idPrefix {@code HWAAS_CLIENT_ID}: prefix of the client ids; default the host name
 * @param ledgerDir {@code HWAAS_CLIENT_LEDGER_DIR}: where the ledger of held hellos is kept, so
 *     that what a crashed or stopped container held is re-sent; {@code null} for none
 */
public record ClientConfig(CommonConfig common, int clientsPerContainer, Duration interval, int bufferCapacity,
        Duration flushTimeout, String idPrefix, Path ledgerDir) {

    /** Margin between the longest a hello can be held and the audit TTL, for the queue and workers. */
    static final Duration TTL_MARGIN = Duration.ofHours(1);

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
        // A hello's audit record must outlive the longest it can wait: held by the client, then in
        // the queue. Otherwise it expires first, and the audit would see a printed hello as lost.
        Duration longestHeld = interval.multipliedBy(buffer);
        if (longestHeld.plus(TTL_MARGIN).compareTo(common.auditTtl()) > 0) {
            throw new ConfigException("HWAAS_AUDIT_TTL", env.raw("HWAAS_AUDIT_TTL"), "the audit TTL ("
                    + common.auditTtl().toMinutes() + " min) must exceed the longest a client can hold a hello,"
                    + " HWAAS_CLIENT_BUFFER x HWAAS_CLIENT_INTERVAL = " + buffer + " x " + interval.toMillis() + " ms = "
                    + longestHeld.toMinutes() + " min, by at least 1h; raise HWAAS_AUDIT_TTL or lower HWAAS_CLIENT_BUFFER");
        }
        Path ledger = null;
        String ledgerValue = env.raw("HWAAS_CLIENT_LEDGER_DIR");
        if (ledgerValue != null) {
            ledger = Path.of(ledgerValue);
            if (!Files.isDirectory(ledger) || !Files.isWritable(ledger)) {
                throw new ConfigException("HWAAS_CLIENT_LEDGER_DIR", ledgerValue, "must be a writable directory"
                        + " (a volume shared by the client containers of a host)");
            }
        }
        return new ClientConfig(common, perContainer, interval, buffer, flush, prefix, ledger);
    }

    /** The stop timeouts, from the flush timeout. */
    public Stop stop() {
        return Stop.client(flushTimeout);
    }
}
