package io.hwaas.worker.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import io.hwaas.common.redis.RedisFailure;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.runtime.Printable;
import io.hwaas.runtime.Service;
import io.hwaas.worker.CommandLine;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code audit [--since 10m] [--json]}: prints the audit. Exit status 0 when every hello made is
 * printed or waiting, 1 when any is lost, 4 when the audit cannot rule out a loss (a client
 * container vanished, or stopped holding hellos on disk), 69 when Redis cannot be reached.
 */
public final class AuditCommand {
    /** The exit status of {@link Audit.Verdict#UNKNOWN}. */
    public static final int EXIT_UNKNOWN = 4;

    private AuditCommand() {
    }

    public static int main(Env env, String[] args) throws Exception {
        CommonConfig config = CommonConfig.fromEnv(env);
        String sinceArg = CommandLine.value(args, "--since", null);
        Duration window = sinceArg == null ? null : new Env(Map.of("--since", sinceArg)).duration("--since", Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofDays(30));
        try (RedisSession session = Cli.connect(config, "audit", Duration.ofSeconds(30))) {
            if (session == null) {
                return Service.EXIT_UNAVAILABLE;
            }
            Audit.Report report;
            try {
                report = session.once("auditing", jedis -> {
                long since = window == null ? 0 : Cli.redisMillis(jedis) - window.toMillis();
                try {
                    return new Audit(jedis, config.keys(), config.auditTtl()).run(since, 3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                });
            } catch (JedisException e) {
                System.err.println("audit: Redis failed while auditing (" + RedisFailure.describe(e) + "); try again");
                return Service.EXIT_UNAVAILABLE;
            }
            if (CommandLine.has(args, "--json")) {
                System.out.println(new ObjectMapper().writeValueAsString(json(report)));
            } else {
                print(config, report, sinceArg);
            }
            return switch (report.verdict()) {
                case OK -> 0;
                case LOST -> 1;
                case UNKNOWN -> EXIT_UNKNOWN;
            };
        }
    }

    static Map<String, Object> json(Audit.Report r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("verdict", r.verdict().name());
        json.put("clients", r.clients());
        json.put("submitted", r.submitted());
        json.put("printed", r.printed());
        json.put("lost", r.lost());
        json.put("lostUnprinted", r.lostUnprinted());
        json.put("lostNeverSent", r.lostNeverSent());
        json.put("duplicates", r.duplicates());
        json.put("inFlight", r.inFlight());
        json.put("queued", r.queued());
        json.put("deadLettered", r.deadLettered());
        json.put("deadLetteredHellos", r.deadLetteredHellos());
        json.put("waiting", r.waiting());
        json.put("heldByClients", r.heldByClients());
        json.put("atRisk", r.atRisk());
        json.put("unknownContainers", r.unknownContainers());
        json.put("lostIds", r.lostIds());
        json.put("unknown", r.unknown());
        return json;
    }

    private static void print(CommonConfig config, Audit.Report r, String since) {
        System.out.printf("HWaaS audit of %s (%s; records kept %s)%n", config.keys().queue(),
                since == null ? "all clients on record" : "clients started in the last " + since,
                config.auditTtl().toHours() + "h");
        row("clients", r.clients(), "");
        row("submitted", r.submitted(), "");
        row("printed", r.printed(), "");
        row("lost", r.lost(), r.lost() == 0 ? "" : "  (" + r.lostUnprinted() + " submitted but never printed, "
                + r.lostNeverSent() + " made but never sent)");
        row("duplicates", r.duplicates(), "  (printed more than once, at most)");
        row("in flight", r.inFlight(), "");
        row("queued", r.queued(), "");
        row("held by clients", r.heldByClients(), "  (made, not yet sent, by running clients)");
        row("dead-lettered", r.deadLettered(), r.deadLetteredHellos() == 0 ? "" : "  (" + r.deadLetteredHellos()
                + " of them hellos: kept, not printed)");
        row("unaccounted", r.atRisk(), r.unknownContainers() == 0 ? "" : "  (at most; " + r.unknownContainers()
                + " client container(s) the audit cannot account for)");
        if (!r.lostIds().isEmpty()) {
            System.out.println("  first lost hellos:");
            r.lostIds().forEach(id -> System.out.println("    " + Printable.of(id)));
        }
        if (!r.unknown().isEmpty()) {
            System.out.println("  cannot account for:");
            r.unknown().forEach(u -> System.out.println("    " + Printable.of(u)));
        }
        System.out.println(switch (r.verdict()) {
            case OK -> "OK: no hello lost.";
            case LOST -> "LOST HELLOS: see above.";
            case UNKNOWN -> "UNKNOWN: nothing is certainly lost, but the audit cannot rule it out; see above.";
        });
    }

    private static void row(String name, long value, String note) {
        System.out.printf("  %-16s %d%s%n", name, value, note);
    }
}
