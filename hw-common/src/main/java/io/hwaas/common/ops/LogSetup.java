package io.hwaas.common.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback configuration in code, found through {@code ServiceLoader} before any XML is looked
 * for. Operational logs go to stderr so that stdout carries nothing but hello lines; the format
 * is text by default and one JSON object per line with {@code HWAAS_LOG_FORMAT=json}, using
 * Logback's own {@link JsonEncoder}. Doing it in code also keeps the XML parser out of the
 * services' start-up.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // Invalid values fall back here; the service's own config check then stops it with a clear message.
        boolean json = "json".equalsIgnoreCase(System.getenv("HWAAS_LOG_FORMAT"));
        Level level = Level.toLevel(System.getenv("HWAAS_LOG_LEVEL"), Level.INFO);

        Encoder<ILoggingEvent> encoder;
        if (json) {
            JsonEncoder jsonEncoder = new JsonEncoder();
            jsonEncoder.setWithSequenceNumber(false);
            jsonEncoder.setWithNanoseconds(false);
            jsonEncoder.setWithContext(false);
            encoder = jsonEncoder;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n");
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(stderr);
        // Jesque and Jedis narrate every reconnect; our own code reports outages once.
        for (String noisy : new String[] {"net.greghaines.jesque", "redis.clients.jedis"}) {
            context.getLogger(noisy).setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
