package io.hwaas.common.redis;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.hello.Names;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens connections to the Redis primary the way both services need them: TLS when the URL says
 * {@code rediss://}, ACL user and password, database, socket timeouts and a client name that
 * shows up in {@code CLIENT LIST}.
 *
 * <p>Every connection is checked to be the primary ({@code ROLE}), whether its address is fixed,
 * a DNS name that a managed Redis re-points at failover, or discovered from Sentinels. A replica
 * refuses writes, so being connected to one is treated as Redis being unavailable: the caller
 * backs off and connects again, by which time the name or the Sentinels point at the new primary.
 * Retrying and logging belong to {@link RedisSession}.
 */
public final class RedisConnector {
    private final RedisConfig config;
    private final SSLSocketFactory sslSocketFactory;
    private final String clientName;
    /** Which Sentinel to ask first: the one that answered last time. */
    private final AtomicInteger sentinel = new AtomicInteger();

    private RedisConnector(RedisConfig config, String clientName) {
        this.config = config;
        this.clientName = Names.keySafe(clientName, 60);
        this.sslSocketFactory = config.url().tls() && config.caFile() != null ? trusting(config.caFile()) : null;
    }

    /**
     * @param clientName reported to {@code CLIENT SETNAME}, made safe for it
     * @throws ConfigException when the CA file cannot be used ({@code HWAAS_REDIS_CA_FILE})
     */
    public static RedisConnector of(RedisConfig config, String clientName) {
        return new RedisConnector(config, clientName);
    }

    /** The settings behind this connector. */
    public RedisConfig config() {
        return config;
    }

    /** Where this connects, password masked, for logs. */
    public String describe() {
        return config.describe();
    }

    /**
     * Opens one connection to the primary and checks it.
     *
     * @param blockingTimeout extra read time allowed for blocking commands such as BLMOVE
     * @throws JedisException when no primary can be reached, or it refuses the credentials
     */
    public Jedis open(Duration blockingTimeout) {
        return open(blockingTimeout, null);
    }

    /**
     * Like {@link #open(Duration)}, for one role of the process: its connection is named
     * {@code clientName.role} in {@code CLIENT LIST}, so an operator can tell a worker's consumers
     * from its heartbeat.
     */
    public Jedis open(Duration blockingTimeout, String role) {
        HostAndPort primary = config.sentinels() == null
                ? new HostAndPort(config.url().host(), config.url().port()) : askSentinels();
        Jedis jedis = new Jedis(primary, dataConfig(blockingTimeout, role == null ? clientName
                : clientName + "." + Names.keySafe(role, 30)));
        try {
            if (!isPrimary(jedis)) {
                throw new RedisUnavailable(primary + " is a replica, not the primary (a failover is under way, or"
                        + " the name still points at the old primary)");
            }
            return jedis;
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
    }

    /**
     * A connection to the first Sentinel that answers, for reading the topology.
     *
     * @throws RedisUnavailable when none answers, or there are no Sentinels
     */
    public Jedis openSentinel() {
        if (config.sentinels() == null) {
            throw new RedisUnavailable("no Sentinels configured (HWAAS_REDIS_SENTINELS)");
        }
        StringBuilder problems = new StringBuilder();
        for (RedisConfig.Address address : config.sentinels().addresses()) {
            try {
                return new Jedis(new HostAndPort(address.host(), address.port()), sentinelConfig());
            } catch (JedisException e) {
                problems.append("; ").append(address).append(": ").append(RedisFailure.describe(e));
            }
        }
        throw new RedisUnavailable("no Sentinel answered" + problems);
    }

    private static boolean isPrimary(Jedis jedis) {
        Object role = jedis.sendCommand(Protocol.Command.ROLE);
        return role instanceof List<?> fields && !fields.isEmpty() && fields.get(0) instanceof byte[] name
                && "master".equals(new String(name, StandardCharsets.US_ASCII));
    }

    private HostAndPort askSentinels() {
        RedisConfig.Sentinels sentinels = config.sentinels();
        List<RedisConfig.Address> addresses = sentinels.addresses();
        StringBuilder problems = new StringBuilder();
        int first = Math.floorMod(sentinel.get(), addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            int index = (first + i) % addresses.size();
            RedisConfig.Address address = addresses.get(index);
            try (Jedis jedis = new Jedis(new HostAndPort(address.host(), address.port()), sentinelConfig())) {
                List<String> master = jedis.sentinelGetMasterAddrByName(sentinels.master());
                if (master == null || master.size() != 2) {
                    problems.append("; ").append(address).append(" knows no master named '").append(sentinels.master())
                            .append("' (the host of REDIS_URL names it)");
                    continue;
                }
                sentinel.set(index);
                return new HostAndPort(master.get(0), Integer.parseInt(master.get(1)));
            } catch (JedisException e) {
                if (RedisFailure.of(e) == RedisFailure.CREDENTIALS) {
                    throw e;
                }
                problems.append("; ").append(address).append(": ").append(RedisFailure.describe(e));
            }
        }
        throw new RedisUnavailable("no Sentinel named the primary" + problems);
    }

    private JedisClientConfig dataConfig(Duration blockingTimeout, String name) {
        int millis = (int) config.timeout().toMillis();
        return tls(DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .blockingSocketTimeoutMillis((int) (millis + blockingTimeout.toMillis()))
                .user(config.url().user())
                .password(config.url().password())
                .database(config.url().database())
                .clientName(name)).build();
    }

    private JedisClientConfig sentinelConfig() {
        int millis = (int) config.timeout().toMillis();
        return tls(DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .user(config.sentinels().user())
                .password(config.sentinels().password())).build();
    }

    private DefaultJedisClientConfig.Builder tls(DefaultJedisClientConfig.Builder builder) {
        builder.ssl(config.url().tls());
        if (config.url().tls()) {
            SSLParameters parameters = new SSLParameters();
            // Verify that the certificate names the host we dialled, as HTTPS does.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            builder.sslParameters(parameters);
            if (sslSocketFactory != null) {
                builder.sslSocketFactory(sslSocketFactory);
            }
        }
        return builder;
    }

    private static SSLSocketFactory trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new ConfigException("HWAAS_REDIS_CA_FILE", caFile.toString(), "holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("HWAAS_REDIS_CA_FILE", caFile.toString(), "cannot be used as a CA file: " + e.getMessage());
        }
    }

    /** Redis cannot take writes right now, though nothing is broken: wait and connect again. */
    public static final class RedisUnavailable extends JedisConnectionException {
        private static final long serialVersionUID = 1L;

        public RedisUnavailable(String message) {
            super(message);
        }
    }
}
