package io.hwaas.runtime;

import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import io.hwaas.common.config.Variables;
import java.security.Security;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What both services' {@code Main}s do around their own wiring: JVM settings, exit statuses, warnings. */
public final class Service {
    /** Exit status of a configuration the service cannot use (sysexits' EX_CONFIG). */
    public static final int EXIT_CONFIG = 78;
    /** Exit status of an operator command that could not reach Redis (sysexits' EX_UNAVAILABLE). */
    public static final int EXIT_UNAVAILABLE = 69;
    /** Exit status for a command line the program does not understand (sysexits' EX_USAGE). */
    public static final int EXIT_USAGE = 64;

    private Service() {
    }

    /** What a service's {@code main} runs once the JVM is prepared. */
    @FunctionalInterface
    public interface Command {
        /** Runs on the process' environment; returns the exit status. */
        int run(Env env) throws Exception;
    }

    /**
     * A service's {@code main}: prepares the JVM before anything else ({@link #prepareJvm}; so
     * {@code Main} keeps no logger in a static field), runs {@code command} and exits with its
     * status; a configuration it cannot use is refused with {@link #EXIT_CONFIG}.
     */
    public static void main(Command command) throws Exception {
        prepareJvm();
        int status;
        try {
            status = command.run(new Env(System.getenv()));
        } catch (ConfigException e) {
            status = refuse(e);
        }
        System.exit(status);
    }

    /**
     * Sets what must be set before anything resolves a host name (a logger's set-up does): the
     * JVM caches DNS answers for {@code HWAAS_DNS_TTL} (5 s), so a managed Redis whose failover
     * re-points its DNS name is followed within seconds instead of the JVM's default 30 s. A bad
     * value is ignored here and refused by the configuration check that follows.
     */
    private static void prepareJvm() {
        Duration ttl;
        try {
            ttl = new Env(System.getenv()).duration("HWAAS_DNS_TTL", Duration.ofSeconds(5), Duration.ZERO,
                    Duration.ofHours(1));
        } catch (ConfigException e) {
            ttl = Duration.ofSeconds(5);
        }
        Security.setProperty("networkaddress.cache.ttl", Long.toString(ttl.toSeconds()));
        Security.setProperty("networkaddress.cache.negative.ttl", "1");
    }

    /** Logs each {@code HWAAS_*} variable that nothing reads, with the closest known name: a typo is not ignored silently. */
    public static void warnUnknownVariables(Map<String, String> env, Logger log) {
        Variables.warnings(env).forEach(log::warn);
    }

    /** Logs why the configuration cannot be used and returns {@link #EXIT_CONFIG}. */
    public static int refuse(ConfigException e) {
        LoggerFactory.getLogger(Service.class).error("Invalid configuration, not starting: {}", e.getMessage());
        return EXIT_CONFIG;
    }
}
