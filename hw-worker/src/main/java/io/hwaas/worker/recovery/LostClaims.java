package io.hwaas.worker.recovery;

import io.hwaas.common.redis.LuaScript;
import io.hwaas.runtime.Printable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Recovery of a consumer's own jobs after a reconnect. When Redis ran a claim but the reply died
 * with the connection, the jobs sit in the consumer's in-flight list with nobody printing them,
 * and the consumer's next acknowledgement (which deletes that list) would drop them unprinted.
 * So every new connection reads the list first, and the consumer runs what it finds before it
 * claims anything else. A payload longer than the largest parsed comes back as the placeholder a
 * claim returns for it (lost.lua), so a huge poison is dead-lettered without being transferred.
 */
public final class LostClaims {
    private static final Logger LOG = LoggerFactory.getLogger(LostClaims.class);
    private static final LuaScript SCRIPT = LuaScript.load(LostClaims.class, "lost.lua");

    private LostClaims() {
    }

    /**
     * The jobs left in {@code inflight}, usually none. A key there that is not a list (damaged, or
     * written by something else) would refuse every claim for ever: it is moved aside, and said so.
     *
     * @param maxPayloadBytes longer payloads come back as a placeholder, as from a claim
     */
    @SuppressWarnings("unchecked")
    public static List<String> leftIn(Jedis jedis, String inflight, int maxPayloadBytes) {
        String type = jedis.type(inflight);
        if (!"list".equals(type) && !"none".equals(type)) {
            String aside = inflight + ":damaged:" + System.currentTimeMillis();
            jedis.rename(inflight, aside);
            LOG.error("{} held a {}, not a list of jobs; moved it to {} so that claiming can go on", Printable.of(inflight),
                    Printable.of(type), Printable.of(aside));
            return List.of();
        }
        List<String> left = (List<String>) SCRIPT.run(jedis, List.of(inflight),
                List.of(Integer.toString(maxPayloadBytes)));
        if (!left.isEmpty()) {
            LOG.warn("{} job(s) were in flight in {} from a claim whose reply was lost; running them now", left.size(),
                    Printable.of(inflight));
        }
        return left;
    }
}
