package io.hwaas.ops.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.common.redis.RedisFailure;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.ops.Cli;
import io.hwaas.ops.Ops;
import io.hwaas.ops.OpsCommand;
import io.hwaas.ops.WorkerSide;
import io.hwaas.runtime.Service;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code status [--window 5s] [--json]}: one screen that answers "is it working?" from what
 * workers and clients publish in Redis with their heartbeats. The rate and latency come from the
 * workers' counters read twice, {@code --window} apart.
 */
@Command(name = "status", description = "Workers, clients, hello rate, queue, in flight, latency and the Redis "
        + "topology. The rate and latency are measured over --window: the command takes that long.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:read (whatever the verdict)", "2:clients run but no worker is alive",
            "69:Redis cannot be reached"})
public final class StatusCommand extends OpsCommand {
    /** The exit status when clients run and no worker is alive. */
    public static final int EXIT_NO_WORKER = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--window", paramLabel = "DURATION", converter = Ops.Durations.Window.class,
            description = "How long to measure the rate and latency over (1s to 600s; default 5s, or three heartbeats"
                    + " if longer).")
    private Duration window;
    @Option(names = "--json", description = "One line of JSON instead of the table.")
    private boolean json;

    /**
     * What status reads at one moment.
     *
     * @param clients logical clients, in {@code clientContainers} containers
     */
    public record Snapshot(int workers, int clientContainers, long clients, long queued, long inFlight, long failed,
            long deadLettered, Figures figures) {
    }

    @Override
    protected int run(CommonConfig config) throws Exception {
        WorkerSide.Liveness liveness = worker.liveness(env);
        Duration measure = window != null ? window : max(Duration.ofSeconds(5), liveness.heartbeat().multipliedBy(3));
        PrintWriter out = out();
        try (RedisSession session = Cli.connect(config, "status", Duration.ofSeconds(10))) {
            if (session == null) {
                return Service.EXIT_UNAVAILABLE;
            }
            Snapshot before;
            Snapshot after;
            try {
                before = session.once("reading the status", jedis -> read(jedis, config.keys(), liveness.deadAfter()));
                Thread.sleep(measure.toMillis());
                after = session.once("reading the status", jedis -> read(jedis, config.keys(), liveness.deadAfter()));
            } catch (JedisException e) {
                err().println("status: Redis failed (" + RedisFailure.describe(e) + "); try again");
                return Service.EXIT_UNAVAILABLE;
            }
            Figures.Window w = after.figures().since(before.figures());
            if (json) {
                out.println(JSON.writeValueAsString(json(after, w, measure)));
            } else {
                RedisConnector connector = RedisConnector.of(config.redis(), "hwaas-status");
                List<String> topology;
                try {
                    topology = session.once("reading the topology", jedis -> Topology.describe(connector, jedis));
                } catch (JedisException e) {
                    topology = List.of("redis                " + RedisFailure.describe(e));
                }
                print(out, config.keys(), after, w, measure, topology);
            }
            return after.workers() == 0 && after.clients() > 0 ? EXIT_NO_WORKER : 0;
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Reads what is there now: live workers and their figures, clients, queue lengths. */
    public static Snapshot read(Jedis jedis, Keys keys, Duration deadAfter) {
        long now = Cli.redisMillis(jedis);
        List<String> workers = new ArrayList<>(jedis.zrangeByScore(keys.workers(),
                Long.toString(now - deadAfter.toMillis()), "+inf"));
        Set<String> clients = jedis.zrangeByScore(keys.clients(), Long.toString(now - 5000), "+inf");
        // Client containers that stopped long ago would otherwise accumulate forever.
        jedis.zremrangeByScore(keys.clients(), "-inf", Long.toString(now - Duration.ofHours(1).toMillis()));

        Pipeline p = jedis.pipelined();
        List<Response<Map<String, String>>> inflightLists = new ArrayList<>();
        for (String worker : workers) {
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
        long logicalClients = 0;
        for (String member : clients) {
            int colon = member.lastIndexOf(':');
            try {
                logicalClients += colon < 0 ? 1 : Long.parseLong(member.substring(colon + 1));
            } catch (NumberFormatException e) {
                logicalClients++;
            }
        }
        return new Snapshot(workers.size(), clients.size(), logicalClients, queued.get(), inFlight, failed.get(),
                dead.get(), Figures.read(jedis, keys, workers));
    }

    private static Map<String, Object> json(Snapshot s, Figures.Window w, Duration measured) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("workers", s.workers());
        json.put("threads", s.figures().threads());
        json.put("clientContainers", s.clientContainers());
        json.put("clients", s.clients());
        json.put("printedTotal", s.figures().printed());
        json.put("queued", s.queued());
        json.put("inFlight", s.inFlight());
        json.put("failed", s.failed());
        json.put("deadLettered", s.deadLettered());
        json.put("windowSeconds", measured.toMillis() / 1000.0);
        json.put("printedPerSecond", w.printedPerSecond());
        json.put("latencyP50Ms", Double.isNaN(w.quantile(0.5)) ? null : w.quantile(0.5) * 1000);
        json.put("latencyP99Ms", Double.isNaN(w.quantile(0.99)) ? null : w.quantile(0.99) * 1000);
        return json;
    }

    private static void print(PrintWriter out, Keys keys, Snapshot s, Figures.Window w, Duration measured,
            List<String> topology) {
        String last = "last " + Env.formatDuration(measured);
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("workers alive", s.workers() + " (" + s.figures().threads() + " consumer threads)");
        rows.put("clients", s.clients() + " in " + s.clientContainers() + " container(s)");
        rows.put("printed/s, " + last, String.format("%.1f (expected %d)", w.printedPerSecond(), s.clients()));
        rows.put("queue length", Long.toString(s.queued()));
        rows.put("in flight", Long.toString(s.inFlight()));
        rows.put("failed (Jesque)", Long.toString(s.failed()));
        rows.put("dead-lettered", Long.toString(s.deadLettered()));
        double p50 = w.quantile(0.5);
        double p99 = w.quantile(0.99);
        rows.put("latency p50 / p99", Double.isNaN(p50) ? "no hellos in the " + last
                : String.format("%.2f ms / %.2f ms (%s)", p50 * 1000, p99 * 1000, last));
        out.println("HWaaS status of " + keys.queue() + " at " + Instant.now());
        rows.forEach((k, v) -> out.printf("  %-20s %s%n", k, v));
        topology.forEach(line -> out.println("  " + line));
        String verdict;
        if (s.workers() == 0) {
            verdict = s.clients() > 0 ? "NOT WORKING: no live worker; hellos are queueing." : "Idle: nothing is running.";
        } else if (s.clients() > 0 && w.printedPerSecond() < 0.9 * s.clients()) {
            verdict = "DEGRADED: printing below the expected rate (starting up, recovering or overloaded).";
        } else {
            verdict = "OK";
        }
        out.println(verdict);
    }
}
