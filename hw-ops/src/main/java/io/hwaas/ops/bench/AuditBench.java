package io.hwaas.ops.bench;

import io.hwaas.common.config.CommonConfig;
import io.hwaas.common.hello.AuditBits;
import io.hwaas.common.hello.ClientIds;
import io.hwaas.common.hello.ClientRecord;
import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.Pipelines;
import io.hwaas.common.redis.RedisConnector;
import io.hwaas.ops.Cli;
import io.hwaas.ops.OpsCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

/**
 * {@code bench-audit-fill [--containers 20] [--clients 50] [--seconds 86400] [--queued 2000000]}:
 * leaves in Redis what the audit has to read after a long day, so that {@code audit} can be
 * timed on it in the worker's own image and heap: the history of {@code containers × clients}
 * logical clients that each made, sent and had printed a hello a second for {@code seconds}
 * (their audit bitmaps and stopped client records, written whole rather than hello by hello),
 * and a backlog of {@code queued} real hellos still in the queue. Every hello is accounted for,
 * so the audit's verdict must be OK. Run it against a Redis that nothing else uses.
 */
@Command(name = "bench-audit-fill", description = "Leaves in Redis a long day's history for the audit to read (every "
        + "hello accounted for) and a backlog of queued hellos. Only against a Redis that nothing else uses.")
public final class AuditBench extends OpsCommand {
    @Option(names = "--containers", paramLabel = "N", description = "Client containers (1 to 10000; default 20).")
    private int containers = 20;
    @Option(names = "--clients", paramLabel = "N", description = "Logical clients per container (1 to 1000; default "
            + "50).")
    private int clients = 50;
    @Option(names = "--seconds", paramLabel = "N", description = "Hellos each client made, one a second (1 to 2592000;"
            + " default 86400).")
    private int seconds = 86_400;
    @Option(names = "--queued", paramLabel = "N", description = "Hellos left queued (0 to 100000000; default 2000000).")
    private int queued = 2_000_000;

    @Override
    protected int run(CommonConfig common) {
        try (Jedis jedis = RedisConnector.of(common.redis(), "bench-audit").open(Duration.ZERO)) {
            long now = Cli.redisMillis(jedis);
            history(jedis, common, containers, clients, seconds, now);
            DrainBench.fill(jedis, common, queued);
        }
        out().printf("filled %d logical clients x %d printed hellos, %d queued%n",
                containers * clients, seconds, queued);
        return 0;
    }

    /** Audit bitmaps and client records of clients that printed hellos 1..seconds and stopped. */
    private static void history(Jedis jedis, CommonConfig common, int containers, int clients, int seconds,
            long now) {
        Keys keys = common.keys();
        SetParams ttl = SetParams.setParams().px(common.auditTtl().toMillis());
        long[] ticks = new long[clients];
        Arrays.fill(ticks, seconds);
        long lastBlock = AuditBits.block(seconds);
        // Submitted, claimed and printed: what a hello's bits are once it has been printed once.
        byte[][] bitmaps = new byte[(int) lastBlock + 1][];
        for (long block = 0; block <= lastBlock; block++) {
            long from = Math.max(1, block * AuditBits.BLOCK);
            long to = Math.min(seconds, (block + 1) * AuditBits.BLOCK - 1);
            byte[] bitmap = new byte[(int) (AuditBits.offset(to, AuditBits.REPRINTED) / 8 + 1)];
            for (long seq = from; seq <= to; seq++) {
                for (int flag : new int[] {AuditBits.SUBMITTED, AuditBits.CLAIMED, AuditBits.PRINTED}) {
                    long bit = AuditBits.offset(seq, flag);
                    bitmap[(int) (bit >>> 3)] |= (byte) (0x80 >>> (bit & 7));
                }
            }
            bitmaps[(int) block] = bitmap;
        }
        // Started a little after `seconds` ago, so that none of their blocks would have expired yet.
        long started = now - seconds * 1000L + 60_000;
        for (int c = 0; c < containers; c++) {
            String container = ClientIds.container(ClientIds.of("bench-audit" + c, started, 0));
            Pipeline p = jedis.pipelined();
            for (int i = 0; i < clients; i++) {
                String client = container + "-" + i;
                for (int block = 0; block < bitmaps.length; block++) {
                    p.set(keys.audit(client, block).getBytes(StandardCharsets.UTF_8), bitmaps[block], ttl);
                }
            }
            ClientRecord record = new ClientRecord(container, clients, 1000, now, ClientRecord.STOPPED, ticks, ticks,
                    false);
            Map<String, String> fields = new LinkedHashMap<>(record.fields());
            fields.put("seen", Long.toString(now));
            p.hset(keys.clientRecord(container), fields);
            p.pexpire(keys.clientRecord(container), common.auditTtl().toMillis());
            Pipelines.sync(p);
        }
    }
}
