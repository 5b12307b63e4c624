package io.hwaas.common.redis;

import io.hwaas.common.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens Redis connections the way both services need them: TLS when the URL says
 * {@code rediss://}, ACL user and password, database, socket timeouts and a client name that
 * shows up in {@code CLIENT LIST}. {@link #connect(String, BooleanSupplier)} keeps trying with
 * backoff and logs each distinct problem once, so an outage or a wrong password never turns
 * into a crash loop or a flood of log lines.
 */
public final class RedisConnector {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

    private final RedisUrl url;
    private final Duration timeout;
    private final SSLSocketFactory sslSocketFactory;
    private final String clientName;

    /**
     * @param url where Redis is
     * @param timeout connect and read timeout of ordinary commands
     * @param caFile PEM file of the CA that signed Redis' TLS certificate, or {@code null} for
     *     the JVM's trust store
     * @param clientName name reported to {@code CLIENT SETNAME}
     * @throws ConfigException when the CA file cannot be read ({@code HWAAS_REDIS_CA_FILE})
     */
    public RedisConnector(RedisUrl url, Duration timeout, Path caFile, String clientName) {
        this.url = url;
        this.timeout = timeout;
        this.clientName = clientName.replaceAll("[^A-Za-z0-9._:-]", "_");
        this.sslSocketFactory = url.tls() && caFile != null ? trusting(caFile) : null;
    }

    /**
     * Opens one connection and checks it with {@code PING}.
     *
     * @param blockingTimeout extra read time allowed for blocking commands such as BLMOVE
     * @throws JedisException when Redis cannot be reached or refuses the credentials
     */
    public Jedis open(Duration blockingTimeout) {
        Jedis jedis = new Jedis(new HostAndPort(url.host(), url.port()), clientConfig(blockingTimeout));
        try {
            jedis.ping();
            return jedis;
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
    }

    /**
     * Opens a connection, retrying with backoff while {@code keepTrying} holds. Each new kind of
     * failure is logged once at WARN (ERROR for credentials); repeats are logged at most every
     * few minutes.
     *
     * @param purpose what the connection is for, for the log
     * @return the connection, or {@code null} if {@code keepTrying} turned false first
     */
    public Jedis connect(String purpose, BooleanSupplier keepTrying) throws InterruptedException {
        return connect(purpose, Duration.ofSeconds(10), keepTrying);
    }

    /** Like {@link #connect(String, BooleanSupplier)}, for blocking commands of up to {@code blockingTimeout}. */
    public Jedis connect(String purpose, Duration blockingTimeout, BooleanSupplier keepTrying) throws InterruptedException {
        Backoff network = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        Backoff credentials = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60));
        RepeatFilter problems = new RepeatFilter(Duration.ofMinutes(5));
        boolean failedBefore = false;
        while (keepTrying.getAsBoolean()) {
            try {
                Jedis jedis = open(blockingTimeout);
                if (failedBefore) {
                    LOG.info("Connected to Redis at {} for {} after {} failed attempt(s)", url, purpose,
                            network.attempts() + credentials.attempts());
                }
                return jedis;
            } catch (JedisException e) {
                boolean auth = isAuthFailure(e);
                String problem = describe(e);
                failedBefore = true;
                if (problems.fresh(problem)) {
                    if (auth) {
                        LOG.error("Redis at {} refused the credentials in {} for {}: {}. Check the user and"
                                + " password (HWAAS_REDIS_PASSWORD in .env); retrying with backoff up to 60s.",
                                url, RedisUrl.VARIABLE, purpose, problem);
                    } else {
                        LOG.warn("Cannot reach Redis at {} for {}: {}; retrying with backoff up to 5s.",
                                url, purpose, problem);
                    }
                }
                (auth ? credentials : network).sleep();
            }
        }
        return null;
    }

    /** Whether Redis refused the credentials or the ACL user lacks a permission. */
    public static boolean isAuthFailure(Throwable e) {
        if (!(e instanceof JedisDataException)) {
            return false;
        }
        String m = String.valueOf(e.getMessage());
        return m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.startsWith("NOPERM")
                || m.contains("invalid password") || m.contains("invalid username-password");
    }

    /** A one-line description of a Redis failure, with its cause when that adds something. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (e instanceof JedisConnectionException && cause != null && cause.getMessage() != null
                && (message == null || !message.contains(cause.getMessage()))) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private JedisClientConfig clientConfig(Duration blockingTimeout) {
        int millis = (int) timeout.toMillis();
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .blockingSocketTimeoutMillis((int) (millis + blockingTimeout.toMillis()))
                .user(url.user())
                .password(url.password())
                .database(url.database())
                .clientName(clientName)
                .ssl(url.tls());
        if (url.tls()) {
            SSLParameters parameters = new SSLParameters();
            // Verify that the certificate names the host we dialled, as HTTPS does.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            builder.sslParameters(parameters);
            if (sslSocketFactory != null) {
                builder.sslSocketFactory(sslSocketFactory);
            }
        }
        return builder.build();
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
}
