package io.hwaas.worker.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.config.Env;
import io.hwaas.worker.CommandLine;
import java.time.Duration;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * {@code audit [--since 10m] [--json]}: prints the audit and exits 1 when any hello is lost,
 * 0 otherwise, 3 when Redis cannot be reached.
 */
public final class AuditCommand {
    private AuditCommand() {
    }

    public static int main(Env env, String[] args) throws Exception {
        CommonConfig config = CommonConfig.fromEnv(env);
        long since = 0;
        String sinceArg = CommandLine.value(args, "--since", null);
        if (sinceArg != null) {
            Duration window = new Env(Map.of("--since", sinceArg)).duration("--since", Duration.ZERO, Duration.ofSeconds(1),
                    Duration.ofDays(30));
            since = System.currentTimeMillis() - window.toMillis();
        }
        try (Jedis jedis = Cli.connect(config, "audit", Duration.ofSeconds(30))) {
            if (jedis == null) {
                return 3;
            }
            Audit.Report report = new Audit(jedis, config.keys()).run(since, 3000);
            if (CommandLine.has(args, "--json")) {
                System.out.println(new ObjectMapper().writeValueAsString(Map.ofEntries(
                        Map.entry("clients", report.clients()), Map.entry("submitted", report.submitted()),
                        Map.entry("printed", report.printed()), Map.entry("lost", report.lost()),
                        Map.entry("lostUnprinted", report.lostUnprinted()), Map.entry("lostDropped", report.lostDropped()),
                        Map.entry("duplicates", report.duplicates()), Map.entry("inFlight", report.inFlight()),
                        Map.entry("queued", report.queued()), Map.entry("deadLettered", report.deadLettered()),
                        Map.entry("waiting", report.waiting()), Map.entry("lostIds", report.lostIds()))));
            } else {
                print(config, report, sinceArg);
            }
            return report.lost() > 0 ? 1 : 0;
        }
    }

    private static void print(CommonConfig config, Audit.Report r, String since) {
        System.out.printf("HWaaS audit of %s (%s; records kept %s)%n", config.keys().queue(),
                since == null ? "all clients on record" : "clients started in the last " + since,
                config.auditTtl().toHours() + "h");
        System.out.printf("  %-14s %d%n", "clients", r.clients());
        System.out.printf("  %-14s %d%n", "submitted", r.submitted());
        System.out.printf("  %-14s %d%n", "printed", r.printed());
        System.out.printf("  %-14s %d%s%n", "lost", r.lost(), r.lost() == 0 ? ""
                : "  (" + r.lostUnprinted() + " submitted but never printed, " + r.lostDropped()
                        + " dropped by a client's full buffer)");
        System.out.printf("  %-14s %d  (printed more than once, at most)%n", "duplicates", r.duplicates());
        System.out.printf("  %-14s %d%n", "in flight", r.inFlight());
        System.out.printf("  %-14s %d%n", "queued", r.queued());
        System.out.printf("  %-14s %d%n", "dead-lettered", r.deadLettered());
        if (!r.lostIds().isEmpty()) {
            System.out.println("  first lost hellos:");
            r.lostIds().forEach(id -> System.out.println("    " + id));
        }
        System.out.println(r.lost() == 0 ? "OK: no hello lost." : "LOST HELLOS: see above.");
    }
}
