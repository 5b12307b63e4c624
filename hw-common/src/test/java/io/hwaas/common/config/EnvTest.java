package io.hwaas.common.config;

import static io.hwaas.common.testing.TestEnv.assertRejected;
import static io.hwaas.common.testing.TestEnv.env;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvTest {

    @Test
    void rawIsNullWhenUnsetOrBlankAndTrimmedOtherwise() {
        Env env = env("EMPTY", "", "BLANK", " \t ", "PADDED", "  x y  ");
        assertThat(env.raw("UNSET")).as("unset").isNull();
        assertThat(env.raw("EMPTY")).as("empty").isNull();
        assertThat(env.raw("BLANK")).as("whitespace only").isNull();
        assertThat(env.raw("PADDED")).as("surrounding whitespace is trimmed, inner kept").isEqualTo("x y");
    }

    @Test
    void withSetsOneVariableInACopy() {
        Env env = env("A", "1", "B", "2");
        Env changed = env.with("B", "3").with("C", "4");
        assertThat(changed.raw("A")).as("kept").isEqualTo("1");
        assertThat(changed.raw("B")).as("replaced").isEqualTo("3");
        assertThat(changed.raw("C")).as("added").isEqualTo("4");
        assertThat(env.raw("B")).as("the original unchanged").isEqualTo("2");
    }

    @Test
    void aDurationFromElsewhereParsesAsTheEnvironmentsDoAndSaysWhatIsWrong() {
        assertThat(Env.parseDuration(" 10m ", Duration.ofSeconds(1), Duration.ofDays(30))).as("10m")
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Env.parseDuration("10x", Duration.ZERO,
                Duration.ofHours(1)))).as("not a duration").hasMessageContaining("not a duration");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Env.parseDuration("2h", Duration.ZERO,
                Duration.ofHours(1)))).as("out of range").hasMessageContaining("must be between 0s and 1h");
        assertThat(Env.formatDuration(Duration.ofMillis(1500))).as("1500ms").isEqualTo("1500ms");
        assertThat(Env.formatDuration(Duration.ofSeconds(90))).as("90s").isEqualTo("90s");
        assertThat(Env.formatDuration(Duration.ofDays(30))).as("30 days").isEqualTo("720h");
    }

    @Test
    void stringFallsBackToTheDefaultWhenUnsetOrBlank() {
        Env env = env("SET", "value", "BLANK", "   ");
        assertThat(env.string("SET", "d")).as("set").isEqualTo("value");
        assertThat(env.string("UNSET", "d")).as("unset").isEqualTo("d");
        assertThat(env.string("BLANK", "d")).as("blank counts as unset").isEqualTo("d");
    }

    @Test
    void keyPartAcceptsLettersDigitsDotUnderscoreDash() {
        Env env = env("Q", "Hello_queue-1.2", "LONGEST", "a".repeat(64), "PADDED", " q ");
        assertThat(env.keyPart("Q", "hello")).as("allowed characters").isEqualTo("Hello_queue-1.2");
        assertThat(env.keyPart("LONGEST", "hello")).as("64 characters").hasSize(64);
        assertThat(env.keyPart("UNSET", "hello")).as("default").isEqualTo("hello");
        assertThat(env.keyPart("PADDED", "hello")).as("trimmed").isEqualTo("q");
    }

    @Test
    void keyPartRefusesWhatCouldSplitOrGlobARedisKey() {
        for (String bad : new String[] {"a:b", "a b", "a*b", "a?b", "a[b]", "a/b", "é", "a{b}", "a".repeat(65)}) {
            Env env = env("HWAAS_QUEUE", bad);
            assertRejected("keyPart " + bad, "HWAAS_QUEUE", bad, () -> env.keyPart("HWAAS_QUEUE", "hello"));
        }
    }

    @Test
    void integerWithinBounds() {
        Env env = env("N", "42", "LOW", "1", "HIGH", "64", "PADDED", " 7 ");
        assertThat(env.integer("N", 2, 1, 64)).as("plain number").isEqualTo(42);
        assertThat(env.integer("LOW", 2, 1, 64)).as("lower bound is inclusive").isEqualTo(1);
        assertThat(env.integer("HIGH", 2, 1, 64)).as("upper bound is inclusive").isEqualTo(64);
        assertThat(env.integer("PADDED", 2, 1, 64)).as("trimmed").isEqualTo(7);
        assertThat(env.integer("UNSET", 2, 1, 64)).as("default").isEqualTo(2);
    }

    @Test
    void integerOutOfBoundsIsRejected() {
        Env env = env("N", "0");
        ConfigException below = assertRejected("below min", "N", "0", () -> env.integer("N", 2, 1, 64));
        assertThat(below.getMessage()).as("says the range").contains("1").contains("64");
        Env high = env("N", "65");
        assertRejected("above max", "N", "65", () -> high.integer("N", 2, 1, 64));
        Env negative = env("N", "-1");
        assertRejected("negative", "N", "-1", () -> negative.integer("N", 2, 0, 64));
    }

    @Test
    void integerThatIsNotANumberIsRejected() {
        for (String bad : new String[] {"abc", "1.5", "1e3", "0x10", "12abc", "99999999999"}) {
            Env env = env("N", bad);
            assertRejected("integer " + bad, "N", bad, () -> env.integer("N", 2, 0, Integer.MAX_VALUE));
        }
    }

    @Test
    void durationUnits() {
        Env env = env("MS", "250ms", "S", "2s", "M", "10m", "H", "24h", "UPPER", "3S", "ZERO", "0s");
        Duration min = Duration.ZERO;
        Duration max = Duration.ofDays(2);
        assertThat(env.duration("MS", Duration.ofSeconds(1), min, max)).as("ms").isEqualTo(Duration.ofMillis(250));
        assertThat(env.duration("S", Duration.ofSeconds(1), min, max)).as("s").isEqualTo(Duration.ofSeconds(2));
        assertThat(env.duration("M", Duration.ofSeconds(1), min, max)).as("m is minutes").isEqualTo(Duration.ofMinutes(10));
        assertThat(env.duration("H", Duration.ofSeconds(1), min, max)).as("h").isEqualTo(Duration.ofHours(24));
        assertThat(env.duration("UPPER", Duration.ofSeconds(1), min, max)).as("unit is case-insensitive")
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(env.duration("ZERO", Duration.ofSeconds(1), min, max)).as("zero").isEqualTo(Duration.ZERO);
        assertThat(env.duration("UNSET", Duration.ofSeconds(1), min, max)).as("default").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void durationBoundsAreInclusiveAndEnforced() {
        Duration min = Duration.ofMillis(100);
        Duration max = Duration.ofMinutes(1);
        assertThat(env("D", "100ms").duration("D", Duration.ofSeconds(2), min, max)).as("min itself")
                .isEqualTo(min);
        assertThat(env("D", "1m").duration("D", Duration.ofSeconds(2), min, max)).as("max itself").isEqualTo(max);
        ConfigException low = assertRejected("below min", "D", "99ms",
                () -> env("D", "99ms").duration("D", Duration.ofSeconds(2), min, max));
        assertThat(low.getMessage()).as("says the range").contains("100ms").contains("60s");
        assertRejected("above max", "D", "61s", () -> env("D", "61s").duration("D", Duration.ofSeconds(2), min, max));
        assertRejected("hours above max", "D", "2h", () -> env("D", "2h").duration("D", Duration.ofSeconds(2), min, max));
    }

    @Test
    void durationInABadFormatIsRejected() {
        for (String bad : new String[] {"5", "s", "1.5s", "-1s", "5d", "2 s", "2sec", "PT2S", "1h30m", "1234567890s"}) {
            Env env = env("D", bad);
            ConfigException e = assertRejected("duration " + bad, "D", bad,
                    () -> env.duration("D", Duration.ofSeconds(1), Duration.ZERO, Duration.ofDays(365)));
            assertThat(e.getMessage()).as("shows an example for " + bad).contains("500ms");
        }
    }

    @Test
    void choiceIsCaseInsensitiveAndDefaults() {
        assertThat(env("F", "JSON").choice("F", "text", "text", "json")).as("upper case accepted").isEqualTo("json");
        assertThat(env("F", "text").choice("F", "text", "text", "json")).as("exact").isEqualTo("text");
        assertThat(env().choice("F", "text", "text", "json")).as("default").isEqualTo("text");
    }

    @Test
    void choiceOutsideTheListIsRejected() {
        ConfigException e = assertRejected("choice", "F", "xml",
                () -> env("F", "xml").choice("F", "text", "text", "json"));
        assertThat(e.getMessage()).as("lists the choices").contains("text").contains("json");
    }

    @Test
    void configExceptionSaysWhenAValueIsUnset() {
        ConfigException e = new ConfigException("X", null, "required");
        assertThat(e.getMessage()).as("unset value").isEqualTo("X=(unset): required");
        assertThat(e.variable()).as("variable").isEqualTo("X");
    }

    @Test
    void aSecretComesFromItsVariableOrFromTheFileItsFileVariableNames(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from-file\n");
        assertThat(env("S", "direct").secret("S")).as("direct").isEqualTo("direct");
        assertThat(env("S_FILE", file.toString()).secret("S")).as("from a file, newline dropped").isEqualTo("from-file");
        assertThat(env().secret("S")).as("neither").isNull();
    }

    @Test
    void aSecretGivenTwiceOrFromAnUnreadableFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "x");
        assertRejected("both", "S_FILE", file.toString(), () -> env("S", "a", "S_FILE", file.toString()).secret("S"));
        String missing = dir.resolve("missing").toString();
        assertRejected("missing file", "S_FILE", missing, () -> env("S_FILE", missing).secret("S"));
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertRejected("empty file", "S_FILE", empty.toString(), () -> env("S_FILE", empty.toString()).secret("S"));
    }

    @Test
    void signedDurationsMayBeNegative() {
        assertThat(env("D", "-10s").signedDuration("D", Duration.ZERO, Duration.ofDays(1))).as("negative")
                .isEqualTo(Duration.ofSeconds(-10));
        assertThat(env("D", "250ms").signedDuration("D", Duration.ZERO, Duration.ofDays(1))).as("positive")
                .isEqualTo(Duration.ofMillis(250));
        assertRejected("too far", "D", "-2d", () -> env("D", "-2d").signedDuration("D", Duration.ZERO, Duration.ofDays(1)));
    }
}
