package io.hwaas.common.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by its SHA-1, falling back to sending the source once when Redis has lost
 * its script cache (after a restart or a failover), so neither surfaces as an error.
 *
 * <p>The services' scripts start with {@code #!lua flags=allow-oom} where they are part of
 * draining: at {@code maxmemory} Redis refuses ordinary writes, and a worker that could not mark,
 * acknowledge or heartbeat could never free the memory (Redis 7.0 or later reads the flags).
 */
public final class LuaScript {
    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads a script from the class path, next to {@code anchor}. */
    public static LuaScript load(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the script. */
    public Object run(Jedis jedis, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return jedis.eval(source, keys, args);
        }
    }

    /**
     * Queues the script on a pipeline by its SHA-1. A pipeline cannot fall back mid-flight, so the
     * script must have been {@link #load loaded} on the connection's server (a session's
     * {@code onConnect} does it); if Redis lost it since, the NOSCRIPT reply counts as Redis
     * being unavailable, and the reconnect loads it again.
     */
    public Response<Object> queue(Pipeline pipeline, List<String> keys, List<String> args) {
        return pipeline.evalsha(sha, keys, args);
    }

    /** Loads the script into Redis' cache, so that {@link #run} finds it by SHA-1. */
    public void load(Jedis jedis) {
        jedis.scriptLoad(source);
    }
}
