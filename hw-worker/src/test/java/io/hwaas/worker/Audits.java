package io.hwaas.worker;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.testing.TestHellos;
import io.hwaas.ops.audit.Audit;
import redis.clients.jedis.Jedis;

/** The audit as the tests run it: every client on record, no recheck pause. */
public final class Audits {
    private Audits() {
    }

    public static Audit.Report of(Jedis jedis, Keys keys) throws InterruptedException {
        return new Audit(jedis, keys, TestHellos.TTL).run(0, 0);
    }
}
