package io.hwaas.ops.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import io.hwaas.common.redis.RedisFailure;
import io.hwaas.common.redis.RedisSession;
import io.hwaas.ops.Cli;
import io.hwaas.ops.Ops;
import io.hwaas.ops.OpsCommand;
import io.hwaas.runtime.Printable;
import io.hwaas.runtime.Service;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.exceptions.JedisException;

/** {@code audit [--since 10m] [--json]}: prints the audit; its verdict is the exit status. */
@Command(name = "audit", description = "Made against printed: every hello made must be printed or still waiting.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:OK, every hello made is printed or waiting", "1:hellos were lost (the first are listed)",
            "4:cannot rule out a loss: a client container vanished, or stopped holding hellos on disk",
            "69:Redis cannot be reached"})
public final class AuditCommand extends OpsCommand {
    /** The exit status of {@link Audit.Verdict#UNKNOWN}. */
    public static final int EXIT_UNKNOWN = 4;

    @Option(names = "--since", paramLabel = "DURATION", converter = Ops.Durations.Since.class,
            description = "Only the clients started in the last DURATION (1s to 720h), e.g. 10m.")
    private Duration since;
    @Option(names = "--json", description = "One line of JSON instead of the table.")
    private boolean json;

    @Override
    protected int run(CommonConfig config) throws Exception {
        try (RedisSession session = Cli.connect(config, "audit", Duration.ofSeconds(30))) {
            if (session == null) {
                return Service.EXIT_UNAVAILABLE;
            }
            Audit.Report report;
            try {
                report = session.once("auditing", jedis -> {
                    long from = since == null ? 0 : Cli.redisMillis(jedis) - since.toMillis();
                    try {
                        return new Audit(jedis, config.keys(), config.auditTtl()).run(from, 3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                });
            } catch (JedisException e) {
                err().println("audit: Redis failed while auditing (" + RedisFailure.describe(e)
                        + "); try again");
                return Service.EXIT_UNAVAILABLE;
            }
            PrintWriter out = out();
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(json(report)));
            } else {
                print(out, config, report, since);
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

    private static void print(PrintWriter out, CommonConfig config, Audit.Report r, Duration since) {
        out.printf("HWaaS audit of %s (%s; records kept %s)%n", config.keys().queue(),
                since == null ? "all clients on record" : "clients started in the last " + Env.formatDuration(since),
                config.auditTtl().toHours() + "h");
        row(out, "clients", r.clients(), "");
        row(out, "submitted", r.submitted(), "");
        row(out, "printed", r.printed(), "");
        row(out, "lost", r.lost(), r.lost() == 0 ? "" : "  (" + r.lostUnprinted() + " submitted but never printed, "
                + r.lostNeverSent() + " made but never sent)");
        row(out, "duplicates", r.duplicates(), "  (printed more than once, at most)");
        row(out, "in flight", r.inFlight(), "");
        row(out, "queued", r.queued(), "");
        row(out, "held by clients", r.heldByClients(), "  (made, not yet sent, by running clients)");
        row(out, "dead-lettered", r.deadLettered(), r.deadLetteredHellos() == 0 ? "" : "  (" + r.deadLetteredHellos()
                + " of them hellos: kept, not printed)");
        row(out, "unaccounted", r.atRisk(), r.unknownContainers() == 0 ? "" : "  (at most; " + r.unknownContainers()
                + " client container(s) or key(s) the audit cannot account for)");
        if (!r.lostIds().isEmpty()) {
            out.println("  first lost hellos:");
            r.lostIds().forEach(id -> out.println("    " + Printable.of(id)));
        }
        if (!r.unknown().isEmpty()) {
            out.println("  cannot account for:");
            r.unknown().forEach(u -> out.println("    " + Printable.of(u)));
        }
        out.println(switch (r.verdict()) {
            case OK -> "OK: no hello lost.";
            case LOST -> "LOST HELLOS: see above.";
            case UNKNOWN -> "UNKNOWN: nothing is certainly lost, but the audit cannot rule it out; see above.";
        });
    }

    private static void row(PrintWriter out, String name, long value, String note) {
        out.printf("  %-16s %d%s%n", name, value, note);
    }
}
