package io.hwaas.common.redis;

import io.hwaas.common.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where Redis is and how to log in: {@code redis[s]://[[user]:password@]host[:port][/db]}, the
 * form Jedis' {@code JedisURIHelper} documents. {@code rediss} means TLS. User and password are
 * URL-decoded, so a password with {@code @} or {@code :} is written {@code %40} or {@code %3A}.
 *
 * @param tls whether to connect with TLS ({@code rediss://})
 * @param host host name or address
 * @param port TCP port, 6379 when omitted
 * @param user ACL user, or {@code null} for the default user
 * @param password password, or {@code null} when Redis needs none
 * @param database logical database, 0 when omitted
 */
public record RedisUrl(boolean tls, String host, int port, String user, String password, int database) {

    /** The environment variable the services read it from. */
    public static final String VARIABLE = "REDIS_URL";

    /** Used when {@code REDIS_URL} is unset. */
    public static final String DEFAULT = "redis://localhost:6379/1";

    /**
     * Parses a URL, reporting any problem against {@code variable}.
     *
     * @throws ConfigException naming the variable and the value (password masked)
     */
    public static RedisUrl parse(String variable, String value) {
        if (value == null) {
            throw new ConfigException(variable, null, "required");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(variable, mask(value), "not a URL: " + e.getReason()
                    + "; expected redis[s]://[[user]:password@]host[:port][/db]");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new ConfigException(variable, mask(value),
                    "scheme must be redis:// or rediss:// (TLS), not " + (scheme == null ? "missing" : scheme + "://"));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ConfigException(variable, mask(value),
                    "no host, or a host that is not valid; expected redis[s]://[[user]:password@]host[:port][/db]");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new ConfigException(variable, mask(value), "port must be between 1 and 65535");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new ConfigException(variable, mask(value), "query strings and fragments are not supported");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                // redis://secret@host is the old password-only form
                password = decode(userInfo);
            } else {
                user = colon == 0 ? null : decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            }
            if (password != null && password.isEmpty()) {
                password = null;
            }
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !"/".equals(path)) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new ConfigException(variable, mask(value), "database must be a number, not '" + path.substring(1) + "'");
            }
            if (database < 0 || database > 15) {
                throw new ConfigException(variable, mask(value), "database must be between 0 and 15");
            }
        }
        return new RedisUrl("rediss".equals(scheme), uri.getHost(), port, user, password, database);
    }

    /**
     * The URL with anything that may be a password replaced by {@code ***}, fit for logs and
     * error messages. It must hold for malformed values too, since those are the ones reported:
     * a value without {@code @} whose "port" is not a number is a mistyped {@code user:password},
     * so everything after its colon goes.
     */
    public static String mask(String value) {
        int scheme = value.indexOf("://");
        int from = scheme < 0 ? 0 : scheme + 3;
        int at = value.lastIndexOf('@');
        if (at >= from) {
            String userInfo = value.substring(from, at);
            int colon = userInfo.indexOf(':');
            String user = colon < 0 || userInfo.substring(0, colon).contains("/") ? "" : userInfo.substring(0, colon + 1);
            return value.substring(0, from) + user + "***" + value.substring(at);
        }
        int end = value.indexOf('/', from);
        String authority = value.substring(from, end < 0 ? value.length() : end);
        int colon = authority.indexOf(':');
        if (colon >= 0 && !authority.substring(colon + 1).matches("\\d*")) {
            return value.substring(0, from + colon + 1) + "***";
        }
        return value;
    }

    /** The same URL with {@code password} (from {@code HWAAS_REDIS_PASSWORD} or its file). */
    public RedisUrl withPassword(String password) {
        return new RedisUrl(tls, host, port, user, password, database);
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (user == null ? "" : user)
                + (password == null ? (user == null ? "" : "@") : ":***@") + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
