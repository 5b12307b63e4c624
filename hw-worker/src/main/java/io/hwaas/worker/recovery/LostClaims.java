package io.hwaas.worker.recovery;

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
 * claims anything else.
 */
public final class LostClaims {
    private static final Logger LOG = LoggerFactory.getLogger(LostClaims.class);

    private LostClaims() {
    }

    /**
     * The jobs left in {@code inflight}, usually none. A key there that is not a list (damaged, or
     * written by something else) would refuse every claim for ever: it is moved aside, and said so.
     */
    public static List<String> leftIn(Jedis jedis, String inflight) {
        String type = jedis.type(inflight);
        if (!"list".equals(type) && !"none".equals(type)) {
            String aside = inflight + ":damaged:" + System.currentTimeMillis();
            jedis.rename(inflight, aside);
            LOG.error("{} held a {}, not a list of jobs; moved it to {} so that claiming can go on", Printable.of(inflight),
                    Printable.of(type), Printable.of(aside));
            return List.of();
        }
        List<String> left = jedis.lrange(inflight, 0, -1);
        if (!left.isEmpty()) {
            LOG.warn("{} job(s) were in flight in {} from a claim whose reply was lost; running them now", left.size(),
                    Printable.of(inflight));
        }
        return left;
    }
}
