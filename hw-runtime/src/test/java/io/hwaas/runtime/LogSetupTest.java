package io.hwaas.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Log lines quote text from Redis; none of it may reach a terminal raw, in either format. */
class LogSetupTest {
    private static final String HOSTILE = "client\u001b[2J\nFAKE ERROR line\u202e\u200b";

    private static String encode(Encoder<ch.qos.logback.classic.spi.ILoggingEvent> inner) {
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        inner.setContext(context);
        inner.start();
        LogSetup.PrintableEncoder encoder = new LogSetup.PrintableEncoder(inner);
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("t"), Level.WARN, "Dead-lettered a payload from {}",
                null, new Object[] {HOSTILE});
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void textLogsCarryNoControlCharacters() {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setPattern("%msg%n");
        String line = encode(pattern);
        assertThat(line).as("one line").hasLineCount(1);
        assertThat(line).as("escapes shown, not obeyed").contains("\\u001b[2J\\u000aFAKE ERROR line\\u202e\\u200b")
                .doesNotContain("\u001b", "\u202e", "\u200b");
    }

    @Test
    void jsonLogsCarryNoInvisibleCharactersEither() {
        JsonEncoder json = new JsonEncoder();
        json.setWithArguments(false);
        String line = encode(json);
        assertThat(line).as("one line").hasLineCount(1);
        assertThat(line).as("no raw control, bidi or zero-width character").doesNotContain("\u001b", "\u202e", "\u200b");
        assertThat(line).as("the escaped text is there").contains("FAKE ERROR line");
    }
}
