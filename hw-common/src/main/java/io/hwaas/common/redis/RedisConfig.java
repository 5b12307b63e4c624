package io.hwaas.common.redis;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach Redis and when a write counts as done. Defaults live here and in
 * docs/configuration.md.
 *
 * @param url {@code REDIS_URL} with the password filled in from {@code HWAAS_REDIS_PASSWORD} or
 *     {@code HWAAS_REDIS_PASSWORD_FILE} when the URL has none; with Sentinels its host is the
 *     master's name
 * @param timeout {@code HWAAS_REDIS_TIMEOUT}: connect and command timeout (2s)
 * @param caFile {@code HWAAS_REDIS_CA_FILE}: PEM CA for {@code rediss://}, or {@code null}
 * @param sentinels {@code HWAAS_REDIS_SENTINELS} and the Sentinels' credentials, or {@code null}
 *     for a Redis at a fixed address
 * @param waitReplicas {@code HWAAS_REDIS_WAIT_REPLICAS}: replicas that must have a write before it
 *     counts as done (0: the primary's answer is enough)
 * @param waitTimeout {@code HWAAS_REDIS_WAIT_TIMEOUT}: how long one WAIT may take (1s)
 * @param dnsTtl {@code HWAAS_DNS_TTL}: how long the JVM caches a host name's address (5s), so that
 *     a managed Redis whose failover re-points a DNS name is followed
 */
public record RedisConfig(RedisUrl url, Duration timeout, Path caFile, Sentinels sentinels, int waitReplicas,
        Duration waitTimeout, Duration dnsTtl) {

    /** The port Sentinels listen on unless told otherwise. */
    public static final int SENTINEL_PORT = 26379;

    /**
     * Where the Sentinels are and how to log in to them. TLS follows {@code REDIS_URL}'s scheme,
     * with the same CA.
     *
     * @param addresses {@code HWAAS_REDIS_SENTINELS}, asked in turn
     * @param master the master's name, the host of {@code REDIS_URL}
     * @param user {@code HWAAS_REDIS_SENTINEL_USER}, or {@code null}
     * @param password {@code HWAAS_REDIS_SENTINEL_PASSWORD} (or its {@code _FILE}), or {@code null}
     */
    public record Sentinels(List<Address> addresses, String master, String user, String password) {
        @Override
        public String toString() {
            return "Sentinels(" + addresses + ", master " + master + ", user " + user + (password == null ? "" : ", password ***")
                    + ")";
        }
    }

    /** A host and port. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** Reads and validates the Redis settings. */
    public static RedisConfig fromEnv(Env env) {
        RedisUrl url = RedisUrl.parse(RedisUrl.VARIABLE, env.string(RedisUrl.VARIABLE, RedisUrl.DEFAULT));
        String password = env.secret("HWAAS_REDIS_PASSWORD");
        if (password != null) {
            if (url.password() != null) {
                String which = env.raw("HWAAS_REDIS_PASSWORD") != null ? "HWAAS_REDIS_PASSWORD" : "HWAAS_REDIS_PASSWORD_FILE";
                throw new ConfigException(which, which.endsWith("_FILE") ? env.raw(which) : "***",
                        "REDIS_URL has a password too; give it in one place");
            }
            url = url.withPassword(password);
        }
        Duration timeout = env.duration("HWAAS_REDIS_TIMEOUT", Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofMinutes(1));
        Path ca = null;
        String caValue = env.raw("HWAAS_REDIS_CA_FILE");
        if (caValue != null) {
            ca = Path.of(caValue);
            if (!Files.isReadable(ca)) {
                throw new ConfigException("HWAAS_REDIS_CA_FILE", caValue, "no such readable file");
            }
            if (!url.tls()) {
                throw new ConfigException("HWAAS_REDIS_CA_FILE", caValue,
                        "only applies to TLS; REDIS_URL must start with rediss://");
            }
        }
        Sentinels sentinels = sentinels(env, url);
        int waitReplicas = env.integer("HWAAS_REDIS_WAIT_REPLICAS", 0, 0, 16);
        Duration waitTimeout = env.duration("HWAAS_REDIS_WAIT_TIMEOUT", Duration.ofSeconds(1), Duration.ofMillis(10),
                Duration.ofMinutes(1));
        Duration dnsTtl = env.duration("HWAAS_DNS_TTL", Duration.ofSeconds(5), Duration.ZERO, Duration.ofHours(1));
        return new RedisConfig(url, timeout, ca, sentinels, waitReplicas, waitTimeout, dnsTtl);
    }

    private static Sentinels sentinels(Env env, RedisUrl url) {
        String list = env.raw("HWAAS_REDIS_SENTINELS");
        String user = env.raw("HWAAS_REDIS_SENTINEL_USER");
        String password = env.secret("HWAAS_REDIS_SENTINEL_PASSWORD");
        if (list == null) {
            if (user != null || password != null) {
                throw new ConfigException(user != null ? "HWAAS_REDIS_SENTINEL_USER" : "HWAAS_REDIS_SENTINEL_PASSWORD",
                        user != null ? user : "***", "only applies with HWAAS_REDIS_SENTINELS, which is not set");
            }
            return null;
        }
        List<Address> addresses = new ArrayList<>();
        for (String item : list.split(",")) {
            String entry = item.strip();
            int colon = entry.lastIndexOf(':');
            String host = colon < 0 ? entry : entry.substring(0, colon);
            int port = SENTINEL_PORT;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(entry.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (!host.matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]") || port < 1 || port > 65535) {
                throw new ConfigException("HWAAS_REDIS_SENTINELS", list, "'" + entry
                        + "' is not host[:port]; write e.g. sentinel-1:26379,sentinel-2:26379");
            }
            addresses.add(new Address(host, port));
        }
        if (!url.host().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(RedisUrl.VARIABLE, RedisUrl.mask(env.raw(RedisUrl.VARIABLE)),
                    "with HWAAS_REDIS_SENTINELS its host is the Sentinel master's name (e.g. redis://hwaas/1), not '"
                            + url.host() + "'");
        }
        return new Sentinels(List.copyOf(addresses), url.host(), user, password);
    }

    /** Where the services connect, for logs: the URL (password masked), or the Sentinels and master. */
    public String describe() {
        if (sentinels == null) {
            return url.toString();
        }
        return "master '" + sentinels.master() + "' (database " + url.database() + (url.tls() ? ", TLS" : "")
                + ") via Sentinels " + String.join(",", sentinels.addresses().stream().map(Address::toString).toList());
    }
}
