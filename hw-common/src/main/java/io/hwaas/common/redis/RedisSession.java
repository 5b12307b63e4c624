package io.hwaas.common.redis;

import io.hwaas.common.time.ServiceClock;
import io.hwaas.common.time.Waiter;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One Redis connection and everything around it: connecting, backing off after a failure,
 * logging each kind of problem once in a while instead of at every retry, saying when Redis is
 * back, and closing. Every thread of the services that talks to Redis owns one. There is one
 * reconnect path: any failure closes the connection, and the next use opens a new one, running
 * the owner's {@code onConnect} hook first (a consumer reads its own in-flight list there).
 *
 * <p>Not thread-safe, except {@link #wake()} and {@link #clientId()}.
 */
public final class RedisSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSession.class);

    /** The longest wait between two attempts while Redis is unavailable or full. */
    public static final Duration LONGEST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration QUIET = Duration.ofMinutes(5);
    /** A process that finds Redis not up yet in its first seconds is starting with it, not failing. */
    private static final long STARTUP_GRACE_NANOS = Duration.ofSeconds(30).toNanos();
    private static final long PROCESS_START = System.nanoTime();

    /** Work done with the connection; any {@link JedisException} it throws is a failure of the session. */
    public interface Step<T> {
        T run(Jedis jedis);
    }

    /** The session gave up because its owner stopped wanting it to keep trying. */
    public static final class GaveUp extends Exception {
        private static final long serialVersionUID = 1L;

        GaveUp(String what) {
            super("gave up " + what, null, false, false);
        }
    }

    private final RedisConnector connector;
    private final String purpose;
    private final String role;
    private final Duration blockingTimeout;
    private final Runnable whileWaiting;
    private final Step<?> onConnect;
    private final Consumer<RedisFailure> onFailure;
    private final Backoff backoff = new Backoff(Duration.ofMillis(50), LONGEST_BACKOFF);
    private final Backoff credentialsBackoff = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60));
    private final Waiter waiter = new Waiter();
    private final ServiceClock clock;
    private final RepeatFilter problems;

    private Jedis jedis;
    private volatile long clientId = -1;
    private RedisFailure lastFailure;
    private long failingSinceNanos;
    private int failures;

    private RedisSession(Builder builder) {
        this.connector = builder.connector;
        this.purpose = builder.purpose;
        this.role = builder.role;
        this.blockingTimeout = builder.blockingTimeout;
        this.whileWaiting = builder.whileWaiting;
        this.onConnect = builder.onConnect;
        this.onFailure = builder.onFailure;
        this.clock = builder.clock;
        this.problems = new RepeatFilter(QUIET, clock);
    }

    /** Starts a session for {@code purpose} (named in its log lines). */
    public static Builder to(RedisConnector connector, String purpose) {
        return new Builder(connector, purpose);
    }

    /** How a session is set up. */
    public static final class Builder {
        private final RedisConnector connector;
        private final String purpose;
        private String role;
        private Duration blockingTimeout = Duration.ZERO;
        private Runnable whileWaiting = () -> { };
        private Step<?> onConnect = jedis -> null;
        private Consumer<RedisFailure> onFailure = kind -> { };
        private ServiceClock clock = ServiceClock.system();

        private Builder(RedisConnector connector, String purpose) {
            this.connector = connector;
            this.purpose = purpose;
        }

        /** Names the connection {@code clientName.role} in {@code CLIENT LIST}. */
        public Builder role(String name) {
            this.role = name;
            return this;
        }

        /** The longest blocking command the session sends (BLMOVE's timeout). */
        public Builder blocking(Duration timeout) {
            this.blockingTimeout = timeout;
            return this;
        }

        /** Runs while the session waits for Redis, which counts as progress (a liveness beat). */
        public Builder whileWaiting(Runnable beat) {
            this.whileWaiting = beat;
            return this;
        }

        /** Runs on every new connection before anything else uses it. */
        public Builder onConnect(Step<?> hook) {
            this.onConnect = hook;
            return this;
        }

        /** Counts failures (a metric). */
        public Builder onFailure(Consumer<RedisFailure> counter) {
            this.onFailure = counter;
            return this;
        }

        /** The clock that times backoffs and outages (the system's unless a test drives it). */
        public Builder clock(ServiceClock time) {
            this.clock = time;
            return this;
        }

        public RedisSession build() {
            return new RedisSession(this);
        }
    }

    /**
     * The open connection, connecting first (with backoff, while {@code keepTrying} holds) if
     * there is none.
     *
     * @return the connection, or {@code null} if {@code keepTrying} turned false first
     */
    public Jedis connected(BooleanSupplier keepTrying) throws InterruptedException {
        while (jedis == null) {
            if (!keepTrying.getAsBoolean()) {
                return null;
            }
            whileWaiting.run();
            try {
                open();
            } catch (JedisException e) {
                failed("connecting", e);
                pause(keepTrying);
            }
        }
        return jedis;
    }

    /**
     * Runs {@code step} once, connecting first if need be (one attempt). A failure is recorded
     * ({@link #failed}) and rethrown; the caller decides whether and when to try again.
     */
    public <T> T once(String what, Step<T> step) {
        try {
            if (jedis == null) {
                open();
            }
            T result = step.run(jedis);
            succeeded();
            return result;
        } catch (JedisException e) {
            failed(what, e);
            throw e;
        }
    }

    /**
     * Runs {@code step} until it succeeds, reconnecting and backing off between attempts.
     *
     * @throws GaveUp when {@code keepTrying} turned false after a failure
     */
    public <T> T retry(String what, BooleanSupplier keepTrying, Step<T> step) throws InterruptedException, GaveUp {
        while (true) {
            try {
                return once(what, step);
            } catch (JedisException e) {
                if (!keepTrying.getAsBoolean()) {
                    throw new GaveUp(what);
                }
                pause(keepTrying);
            }
        }
    }

    /**
     * Records a failure: counts it, logs it unless the same problem was logged lately, and
     * closes the connection so that the next use reconnects (to whatever is the primary then).
     */
    public RedisFailure failed(String what, JedisException e) {
        RedisFailure kind = RedisFailure.of(e);
        onFailure.accept(kind);
        if (failures++ == 0) {
            failingSinceNanos = clock.nanoTime();
        }
        lastFailure = kind;
        String problem = RedisFailure.describe(e);
        if (problems.fresh(kind + problem)) {
            String where = connector.describe();
            switch (kind) {
                case UNAVAILABLE -> {
                    if (System.nanoTime() - PROCESS_START < STARTUP_GRACE_NANOS) {
                        LOG.info("Waiting for Redis at {} ({}: {})", where, purpose, problem);
                    } else {
                        LOG.warn("Redis at {} is unavailable for {} while {}: {}; retrying with backoff up to {} s",
                                where, purpose, what, problem, LONGEST_BACKOFF.toSeconds());
                    }
                }
                case CREDENTIALS -> LOG.error("Redis at {} refused the credentials for {}: {}. Check the user and password"
                        + " (REDIS_URL, HWAAS_REDIS_PASSWORD, or .env); retrying with backoff up to 60 s.", where, purpose,
                        problem);
                case FULL -> LOG.warn("Redis at {} is full (maxmemory with noeviction) while {} for {}: {}; holding and"
                        + " retrying until workers have drained it", where, what, purpose, problem);
                case REFUSED -> LOG.warn("Redis at {} refused a command while {} for {}: {}; retrying with backoff",
                        where, what, purpose, problem);
            }
        } else {
            LOG.debug("{}: Redis failed while {}: {}", purpose, what, problem);
        }
        close();
        return kind;
    }

    /**
     * Waits out the backoff after a failure, calling the waiting hook as it goes (unless the last
     * failure was a refusal, which is no progress; the hook can ask {@link #failing()} for more).
     * Ends early on {@link #wake()} or when {@code keepWaiting} turns false.
     */
    public void pause(BooleanSupplier keepWaiting) throws InterruptedException {
        long millis = (lastFailure == RedisFailure.CREDENTIALS ? credentialsBackoff : backoff).nextDelayMillis();
        // In steps of at most a second, so that the hook runs at least once a second however long the backoff.
        for (long left = millis; left > 0 && keepWaiting.getAsBoolean(); left -= LONGEST_BACKOFF.toMillis()) {
            if (lastFailure != RedisFailure.REFUSED) {
                whileWaiting.run();
            }
            if (waiter.await(Duration.ofMillis(Math.min(left, LONGEST_BACKOFF.toMillis())))) {
                return;
            }
        }
    }

    /** Ends a {@link #pause} early: the owner has something more urgent (a stop). */
    public void wake() {
        waiter.wake();
    }

    /** The kind of the last failure since the last success, or {@code null} when the last attempt worked. */
    public RedisFailure failing() {
        return failures == 0 ? null : lastFailure;
    }

    /** The Redis client id of the open connection (for CLIENT UNBLOCK), or -1. */
    public long clientId() {
        return clientId;
    }

    /** Closes the connection, if any; the next use opens a new one. */
    @Override
    public void close() {
        clientId = -1;
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // Closing a broken connection is best effort.
            }
            jedis = null;
        }
    }

    private void open() {
        Jedis opened = connector.open(blockingTimeout, role);
        try {
            clientId = opened.clientId();
            onConnect.run(opened);
        } catch (RuntimeException e) {
            clientId = -1;
            opened.close();
            throw e;
        }
        jedis = opened;
    }

    private void succeeded() {
        if (failures > 0) {
            long seconds = (clock.nanoTime() - failingSinceNanos) / 1_000_000_000L;
            if (seconds >= 1 || lastFailure != RedisFailure.UNAVAILABLE) {
                LOG.info("Redis at {} is available again for {} after {} failed attempt(s) over {} s",
                        connector.describe(), purpose, failures, seconds);
            }
            failures = 0;
            lastFailure = null;
            backoff.reset();
            credentialsBackoff.reset();
            if (seconds >= 1) {
                // An outage is over: the same problem next time is news. A blip is not worth forgetting.
                problems.forget();
            }
        }
    }
}
