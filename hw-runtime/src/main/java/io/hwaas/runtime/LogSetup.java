package io.hwaas.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.hwaas.common.config.ConfigException;
import io.hwaas.common.config.Env;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Logback configuration in code, found through {@code ServiceLoader} before any XML is looked
 * for. Operational logs go to stderr so that stdout carries nothing but hello lines; the format
 * is text by default and one JSON object per line with {@code HWAAS_LOG_FORMAT=json}, using
 * Logback's own {@link JsonEncoder}. Either way every message passes through {@link Printable}:
 * log lines quote text from Redis (payload details, client ids), and none of it may reach an
 * operator's terminal as escape sequences or forged lines. Doing it in code also keeps the XML
 * parser out of the services' start-up.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Env env = new Env(System.getenv());
        boolean json = "json".equals(lenient(() -> env.choice("HWAAS_LOG_FORMAT", "text", "text", "json"), "text"));
        Level level = Level.toLevel(lenient(() -> env.choice("HWAAS_LOG_LEVEL", "info", "error", "warn", "info", "debug",
                "trace"), "info"), Level.INFO);

        Encoder<ILoggingEvent> encoder;
        if (json) {
            JsonEncoder jsonEncoder = new JsonEncoder();
            jsonEncoder.setWithSequenceNumber(false);
            jsonEncoder.setWithNanoseconds(false);
            jsonEncoder.setWithContext(false);
            // The message already holds the arguments, made printable; raw arguments would bypass that.
            jsonEncoder.setWithArguments(false);
            encoder = jsonEncoder;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n");
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        PrintableEncoder printable = new PrintableEncoder(encoder);
        printable.setContext(context);
        printable.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(printable);
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

    /** A bad value falls back here; the service's own configuration check then stops it with a clear message. */
    private static String lenient(java.util.function.Supplier<String> read, String fallback) {
        try {
            return read.get();
        } catch (ConfigException e) {
            return fallback;
        }
    }

    /** Hands the wrapped encoder each event with its message made printable. */
    static final class PrintableEncoder extends EncoderBase<ILoggingEvent> {
        private final Encoder<ILoggingEvent> delegate;

        PrintableEncoder(Encoder<ILoggingEvent> delegate) {
            this.delegate = delegate;
        }

        @Override
        public byte[] headerBytes() {
            return delegate.headerBytes();
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            return delegate.encode(printable(event));
        }

        @Override
        public byte[] footerBytes() {
            return delegate.footerBytes();
        }

        static ILoggingEvent printable(ILoggingEvent event) {
            String message = Printable.of(event.getFormattedMessage());
            return (ILoggingEvent) Proxy.newProxyInstance(ILoggingEvent.class.getClassLoader(),
                    new Class<?>[] {ILoggingEvent.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getMessage", "getFormattedMessage":
                                return message;
                            case "getArgumentArray":
                                return null;
                            default:
                                try {
                                    return method.invoke(event, args);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                        }
                    });
        }
    }
}
