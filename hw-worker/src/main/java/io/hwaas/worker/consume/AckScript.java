package io.hwaas.worker.consume;

import io.hwaas.common.hello.Keys;
import io.hwaas.common.redis.LuaScript;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * What a consumer sends ack.lua and what it gets back, named in one place (the script's header
 * names the same): the printed hellos to mark, the poison to file in the dead-letter list (read
 * there from the in-flight list, so a payload never travels back), and the caps that keep that
 * list bounded.
 */
final class AckScript {
    private static final LuaScript SCRIPT = LuaScript.load(AckScript.class, "ack.lua");

    /**
     * A printed hello.
     *
     * @param auditKey its audit bitmap
     * @param offset the bit offset of its first flag (submitted)
     * @param mayBeReprint it was claimed before (an interrupted run), so it may have printed twice
     */
    record Printed(String auditKey, long offset, boolean mayBeReprint) {
    }

    /**
     * A payload to dead-letter.
     *
     * @param index its place in the in-flight list, from 0
     * @param reason why, as a short label
     * @param detail what exactly was wrong
     */
    record Poison(int index, String reason, String detail) {
    }

    /**
     * A dead-letter entry Redis refused (the list's key holds another type, an ACL forbids it).
     *
     * @param length the payload's length in bytes
     * @param sha1 the payload's SHA-1
     * @param error Redis' error
     */
    record Refused(String reason, long length, String sha1, String error) {
        @Override
        public String toString() {
            return reason + ", " + length + " bytes, SHA-1 " + sha1 + ": " + error;
        }
    }

    /**
     * The reply.
     *
     * @param dropped dead-letter entries dropped by the caps (count, bytes, age), oldest first
     * @param deadLetterBytes the bytes the dead-letter list holds now
     * @param refused entries Redis refused: the jobs left the in-flight list without a copy
     */
    record Acked(long dropped, long deadLetterBytes, List<Refused> refused) {
    }

    private final List<String> keys;
    private final List<String> header;

    /**
     * @param settings the audit TTL and the dead-letter caps (count, bytes, age)
     */
    AckScript(Keys keys, String inflight, String worker, Consumer.Settings settings) {
        this.keys = List.of(inflight, keys.deadLetter(), keys.counters());
        this.header = List.of(Long.toString(settings.auditTtl().toSeconds()), Integer.toString(settings.deadLetterMax()),
                Long.toString(settings.deadLetterMaxBytes()), Long.toString(settings.deadLetterMaxAge().toMillis()),
                Integer.toString(DeadLetters.KEEP_WHOLE_BYTES), Integer.toString(DeadLetters.PREFIX_BYTES), keys.queue(),
                worker);
    }

    /**
     * Queues the acknowledgement on a pipeline; the reply is read after the pipeline's sync.
     *
     * @param lines the lines printed, plain Jesque jobs included, for the deployment's count
     */
    Supplier<Acked> queue(Pipeline pipeline, int lines, List<Printed> printed, List<Poison> poison) {
        List<String> args = new ArrayList<>(header.size() + 2 + 3 * (printed.size() + poison.size()));
        args.addAll(header);
        args.add(Integer.toString(lines));
        args.add(Integer.toString(printed.size()));
        for (Printed hello : printed) {
            args.add(hello.auditKey());
            args.add(Long.toString(hello.offset()));
            args.add(hello.mayBeReprint() ? "1" : "0");
        }
        for (Poison p : poison) {
            args.add(Integer.toString(p.index()));
            args.add(p.reason());
            args.add(p.detail());
        }
        Response<Object> reply = SCRIPT.queue(pipeline, keys, args);
        return () -> decode(reply.get());
    }

    /** Loads the script on a new connection, so that a pipelined acknowledgement finds it. */
    static void load(Jedis jedis) {
        SCRIPT.load(jedis);
    }

    @SuppressWarnings("unchecked")
    private static Acked decode(Object reply) {
        List<Object> fields = (List<Object>) reply;
        List<Refused> refused = new ArrayList<>();
        for (Object entry : (List<Object>) fields.get(2)) {
            List<Object> r = (List<Object>) entry;
            refused.add(new Refused((String) r.get(0), (Long) r.get(1), (String) r.get(2), (String) r.get(3)));
        }
        return new Acked((Long) fields.get(0), (Long) fields.get(1), refused);
    }
}
