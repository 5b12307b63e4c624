package io.hwaas.worker.job;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.hwaas.common.hello.Hello;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.greghaines.jesque.Job;
import net.greghaines.jesque.json.ObjectMapperFactory;
import net.greghaines.jesque.worker.JobFactory;
import net.greghaines.jesque.worker.UnpermittedJobException;

/**
 * Turns a queue payload into a {@link Decoded}: Jesque's own JSON mapping reads the job, and a
 * Jesque {@link JobFactory} that knows only {@code PrintJob} checks name and arguments. Every
 * way a payload can be wrong ends as {@link Decoded.Poison} with a reason; nothing throws.
 */
public final class JobDecoder implements JobFactory {
    private static final ObjectReader JOB_READER = ObjectMapperFactory.get().readerFor(Job.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final int maxPayloadBytes;
    private final int maxArgLength;

    /**
     * @param maxPayloadBytes payloads longer than this are not parsed
     * @param maxArgLength arguments longer than this (in UTF-16 units) are refused
     */
    public JobDecoder(int maxPayloadBytes, int maxArgLength) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxArgLength = maxArgLength;
    }

    /** Decodes one payload. */
    public Decoded decode(String payload) {
        // A char is 1 to 3 UTF-8 bytes: only a payload between the two bounds needs encoding to measure.
        int chars = payload.length();
        if (chars > maxPayloadBytes
                || (chars > maxPayloadBytes / 3 && payload.getBytes(StandardCharsets.UTF_8).length > maxPayloadBytes)) {
            return new Decoded.Poison(PoisonReason.OVERSIZED_PAYLOAD,
                    "payload is longer than " + maxPayloadBytes + " bytes (HWAAS_MAX_PAYLOAD_BYTES)");
        }
        if (payload.isBlank()) {
            return new Decoded.Poison(PoisonReason.MALFORMED_JSON, "not JSON: the payload is empty");
        }
        Job job;
        try {
            job = JOB_READER.readValue(payload);
        } catch (JacksonException e) {
            // Syntax errors can surface wrapped by data binding; the reader's own exception tells them apart.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StreamReadException syntax) {
                    return new Decoded.Poison(PoisonReason.MALFORMED_JSON, "not JSON: " + firstLine(syntax.getOriginalMessage()));
                }
            }
            return new Decoded.Poison(PoisonReason.MALFORMED_JOB, "not a Jesque job: " + firstLine(e.getOriginalMessage()));
        } catch (RuntimeException e) {
            return new Decoded.Poison(PoisonReason.MALFORMED_JOB, "not a Jesque job: " + e.getMessage());
        }
        if (job == null) {
            return new Decoded.Poison(PoisonReason.MALFORMED_JOB, "not a Jesque job: the payload is JSON null");
        }
        PrintJob printJob;
        try {
            printJob = (PrintJob) materializeJob(job);
        } catch (UnpermittedJobException e) {
            return new Decoded.Poison(PoisonReason.UNKNOWN_JOB, e.getMessage());
        } catch (OversizedArgumentException e) {
            return new Decoded.Poison(PoisonReason.OVERSIZED_ARGUMENT, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Decoded.Poison(PoisonReason.BAD_ARGUMENTS, e.getMessage());
        }
        try {
            return new Decoded.Runnable(printJob, Hello.meta(job));
        } catch (IllegalArgumentException e) {
            return new Decoded.Poison(PoisonReason.BAD_METADATA, e.getMessage());
        }
    }

    /**
     * Jesque's hook for turning a job into something runnable; here it admits only
     * {@code PrintJob} with exactly one string argument.
     */
    @Override
    public Object materializeJob(Job job) throws UnpermittedJobException {
        if (!Hello.JOB_NAME.equals(job.getClassName())) {
            throw new UnpermittedJobException("unknown job '" + job.getClassName() + "'; this worker runs only "
                    + Hello.JOB_NAME);
        }
        Map<String, Object> vars = job.getVars();
        if (vars != null && !vars.isEmpty()) {
            throw new IllegalArgumentException(Hello.JOB_NAME + " takes no named arguments (vars), got " + vars.keySet());
        }
        Object[] args = job.getArgs();
        if (args == null || args.length != 1) {
            throw new IllegalArgumentException(Hello.JOB_NAME + " takes exactly 1 argument, got "
                    + (args == null ? "none" : args.length));
        }
        if (!(args[0] instanceof String argument)) {
            throw new IllegalArgumentException(Hello.JOB_NAME + "'s argument must be a string, got "
                    + (args[0] == null ? "null" : jsonType(args[0])));
        }
        if (argument.length() > maxArgLength) {
            throw new OversizedArgumentException("argument is " + argument.length() + " characters long; the limit is "
                    + maxArgLength + " (HWAAS_MAX_ARG_LENGTH)");
        }
        return new PrintJob(argument);
    }

    private static String jsonType(Object value) {
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Map) {
            return "an object";
        }
        return "an array";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static final class OversizedArgumentException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        OversizedArgumentException(String message) {
            super(message);
        }
    }
}
