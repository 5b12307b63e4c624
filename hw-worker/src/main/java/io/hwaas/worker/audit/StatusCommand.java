package io.hwaas.worker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisFailure;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.runtime.Service;
import io.hwaas.worker.CommandLine;
import io.hwaas.worker.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Tuple;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code status [--json]}: one screen that answers "is it working?" from what workers and
 * clients publish in Redis with their heartbeats.
 */
public final class StatusCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusCommand() {
    }

    /**
     * The figures shown. {@code latencyBuckets} sums the workers' cumulative buckets;
     * {@code recentLatencyBuckets} those of the last ten seconds.
     */
    public record Status(int workers, int threads, int clientContainers, long clients, double printedPerSecond,
            long printedTotal, long queued, long inFlight, long failed, long deadLettered, double[] latencyBounds,
            long[] latencyBuckets, long[] recentLatencyBuckets) {
    }

    public static int main(Env env, String[] args) throws Exception {
        WorkerConfig config = WorkerConfig.fromEnv(env, "status");
        try (RedisSession session = Cli.connect(config.common(), "status", Duration.ofSeconds(10))) {
            if (session == null) {
                return Service.EXIT_UNAVAILABLE;
            }
            Status s;
            try {
                s = session.once("reading the status", jedis -> read(jedis, config.common().keys(), config.deadAfter()));
            } catch (JedisException e) {
                System.err.println("status: Redis failed (" + RedisFailure.describe(e) + "); try again");
                return Service.EXIT_UNAVAILABLE;
            }
            if (CommandLine.has(args, "--json")) {
                System.out.println(JSON.writeValueAsString(s));
            } else {
                RedisConnector connector = RedisConnector.of(config.common().redis(), "hwaas-status");
                List<String> topology;
                try {
                    topology = session.once("reading the topology", jedis -> Topology.describe(connector, jedis));
                } catch (JedisException e) {
                    topology = List.of("redis                " + RedisFailure.describe(e));
                }
                print(config.common().keys(), s, topology);
            }
            return s.workers() == 0 && s.clients() > 0 ? 2 : 0;
        }
    }

    /** Reads the current status. */
    public static Status read(Jedis jedis, Keys keys, Duration deadAfter) {
        long now = Cli.redisMillis(jedis);
        Set<Tuple> live = jedis.zrangeByScoreWithScores(keys.workers(), now - deadAfter.toMillis(), Double.POSITIVE_INFINITY);
        Set<String> clients = jedis.zrangeByScore(keys.clients(), Long.toString(now - 5000), "+inf");
        // Client containers that stopped long ago would otherwise accumulate forever.
        jedis.zremrangeByScore(keys.clients(), "-inf", Long.toString(now - Duration.ofHours(1).toMillis()));

        List<String> workers = new ArrayList<>();
        live.forEach(t -> workers.add(t.getElement()));
        Pipeline p = jedis.pipelined();
        List<Response<String>> stats = new ArrayList<>();
        List<Response<Map<String, String>>> inflightLists = new ArrayList<>();
        for (String worker : workers) {
            stats.add(p.get(keys.workerStats(worker)));
            inflightLists.add(p.hgetAll(keys.workerInflight(worker)));
        }
        Response<Long> queued = p.llen(keys.queue());
        Response<Long> failed = p.llen(keys.jesqueFailed());
        Response<Long> dead = p.llen(keys.deadLetter());
        p.sync();

        long inFlight = 0;
        for (Response<Map<String, String>> lists : inflightLists) {
            for (String list : lists.get().keySet()) {
                inFlight += jedis.llen(list);
            }
        }
        int threads = 0;
        double rate = 0;
        long printed = 0;
        double[] bounds = new double[0];
        long[] buckets = new long[0];
        long[] recent = new long[0];
        for (Response<String> r : stats) {
            if (r.get() == null) {
                continue;
            }
            JsonNode node = parse(r.get());
            threads += node.path("threads").asInt();
            rate += node.path("rate10s").asDouble();
            printed += node.path("printed").asLong();
            JsonNode b = node.path("latencyBuckets");
            JsonNode recentNode = node.path("recentLatencyBuckets");
            if (!node.path("latencyBounds").isArray()) {
                continue;
            }
            if (buckets.length == 0) {
                buckets = new long[b.size()];
                recent = new long[b.size()];
                bounds = new double[node.path("latencyBounds").size()];
                for (int i = 0; i < bounds.length; i++) {
                    bounds[i] = node.path("latencyBounds").path(i).asDouble();
                }
            }
            for (int i = 0; i < Math.min(buckets.length, b.size()); i++) {
                buckets[i] += b.get(i).asLong();
                recent[i] += recentNode.path(i).asLong();
            }
        }
        long logicalClients = 0;
        for (String member : clients) {
            int colon = member.lastIndexOf(':');
            try {
                logicalClients += colon < 0 ? 1 : Long.parseLong(member.substring(colon + 1));
            } catch (NumberFormatException e) {
                logicalClients++;
            }
        }
        return new Status(workers.size(), threads, clients.size(), logicalClients, rate, printed, queued.get(),
                inFlight, failed.get(), dead.get(), bounds, buckets, recent);
    }

    /** A worker's published figures; a malformed entry reads as none rather than failing the status. */
    private static JsonNode parse(String figures) {
        try {
            return JSON.readTree(figures);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** The latency below which a fraction {@code q} of the observations fall, interpolated within its bucket. */
    public static double quantile(double[] bounds, long[] cumulative, double q) {
        if (bounds == null || bounds.length == 0 || cumulative.length == 0 || cumulative[cumulative.length - 1] == 0) {
            return Double.NaN;
        }
        double rank = q * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] >= rank) {
                if (i >= bounds.length) {
                    return bounds[bounds.length - 1];
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                long below = i == 0 ? 0 : cumulative[i - 1];
                long inBucket = cumulative[i] - below;
                return inBucket == 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / inBucket;
            }
        }
        return bounds[bounds.length - 1];
    }

    private static void print(Keys keys, Status s, List<String> topology) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("workers alive", s.workers() + " (" + s.threads() + " consumer threads)");
        rows.put("clients", s.clients() + " in " + s.clientContainers() + " container(s)");
        rows.put("printed/s, last 10s", String.format("%.1f (expected %d)", s.printedPerSecond(), s.clients()));
        rows.put("queue length", Long.toString(s.queued()));
        rows.put("in flight", Long.toString(s.inFlight()));
        rows.put("failed (Jesque)", Long.toString(s.failed()));
        rows.put("dead-lettered", Long.toString(s.deadLettered()));
        double p50 = quantile(s.latencyBounds(), s.recentLatencyBuckets(), 0.5);
        double p99 = quantile(s.latencyBounds(), s.recentLatencyBuckets(), 0.99);
        rows.put("latency p50 / p99", Double.isNaN(p50) ? "no hellos in the last 10s"
                : String.format("%.2f ms / %.2f ms (last 10s)", p50 * 1000, p99 * 1000));
        System.out.println("HWaaS status of " + keys.queue() + " at " + Instant.now());
        rows.forEach((k, v) -> System.out.printf("  %-20s %s%n", k, v));
        topology.forEach(line -> System.out.println("  " + line));
        String verdict;
        if (s.workers() == 0) {
            verdict = s.clients() > 0 ? "NOT WORKING: no live worker; hellos are queueing." : "Idle: nothing is running.";
        } else if (s.clients() > 0 && s.printedPerSecond() < 0.9 * s.clients()) {
            verdict = "DEGRADED: printing below the expected rate (starting up, recovering or overloaded).";
        } else {
            verdict = "OK";
        }
        System.out.println(verdict);
    }
}
