package io.hwaas.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void helloWorldIsUnchanged() {
        String hello = "hello, world!";
        assertThat(Printable.of(hello)).as("plain ASCII is returned as is").isSameAs(hello);
        assertThat(Printable.of("")).as("empty").isEmpty();
    }

    @Test
    void ansiEscapeBecomesVisible() {
        assertThat(Printable.of("\u001b[31mred\u001b[0m")).as("ESC shown, not obeyed")
                .isEqualTo("\\u001b[31mred\\u001b[0m")
                .doesNotContain("\u001b");
    }

    @Test
    void c0ControlsAndDelAreEscaped() {
        assertThat(Printable.of("a\nb")).as("newline").isEqualTo("a\\u000ab");
        assertThat(Printable.of("a\rb")).as("carriage return").isEqualTo("a\\u000db");
        assertThat(Printable.of("a\tb")).as("tab").isEqualTo("a\\u0009b");
        assertThat(Printable.of("a\u0000b")).as("NUL").isEqualTo("a\\u0000b");
        assertThat(Printable.of("a\u0007b")).as("BEL").isEqualTo("a\\u0007b");
        assertThat(Printable.of("a\u007fb")).as("DEL").isEqualTo("a\\u007fb");
        assertThat(Printable.of(" ~")).as("printable ASCII boundaries").isEqualTo(" ~");
    }

    @Test
    void c1ControlsAreEscaped() {
        assertThat(Printable.of("a\u0085b")).as("NEL").isEqualTo("a\\u0085b");
        assertThat(Printable.of("a\u009b31mb")).as("CSI, the 8-bit ANSI introducer").isEqualTo("a\\u009b31mb");
        assertThat(Printable.of("\u0080\u009f")).as("C1 range ends").isEqualTo("\\u0080\\u009f");
        assertThat(Printable.of("\u00a0")).as("first character after C1 is kept").isEqualTo("\u00a0");
    }

    @Test
    void bidiControlsAreEscaped() {
        assertThat(Printable.of("abc\u202Efed")).as("RIGHT-TO-LEFT OVERRIDE").isEqualTo("abc\\u202efed");
        assertThat(Printable.of("\u202a\u202b\u202c\u202d")).as("embeddings and overrides")
                .isEqualTo("\\u202a\\u202b\\u202c\\u202d");
        assertThat(Printable.of("\u2066\u2067\u2068\u2069")).as("isolates U+2066..U+2069")
                .isEqualTo("\\u2066\\u2067\\u2068\\u2069");
        assertThat(Printable.of("\u200e\u200f\u061c")).as("directional marks")
                .isEqualTo("\\u200e\\u200f\\u061c");
    }

    @Test
    void invisibleCharactersAreEscaped() {
        assertThat(Printable.of("a\u200bb")).as("ZERO WIDTH SPACE").isEqualTo("a\\u200bb");
        assertThat(Printable.of("a\u200c\u200db")).as("zero-width non-joiner and joiner").isEqualTo("a\\u200c\\u200db");
        assertThat(Printable.of("\ufeffhello")).as("BYTE ORDER MARK").isEqualTo("\\ufeffhello");
        assertThat(Printable.of("a\u00adb")).as("SOFT HYPHEN").isEqualTo("a\\u00adb");
        assertThat(Printable.of("a\u2060b")).as("WORD JOINER").isEqualTo("a\\u2060b");
        assertThat(Printable.of("a\udb40\udc41b")).as("a TAG character (U+E0041)").isEqualTo("a\\udb40\\udc41b");
    }

    @Test
    void nullIsShownAsSuch() {
        assertThat(Printable.of(null)).as("null").isEqualTo("null");
    }

    @Test
    void lineAndParagraphSeparatorsAreEscaped() {
        assertThat(Printable.of("a\u2028b")).as("LINE SEPARATOR").isEqualTo("a\\u2028b");
        assertThat(Printable.of("a\u2029b")).as("PARAGRAPH SEPARATOR").isEqualTo("a\\u2029b");
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        assertThat(Printable.of("a\ud83db")).as("lone high surrogate").isEqualTo("a\uFFFDb");
        assertThat(Printable.of("a\ude00b")).as("lone low surrogate").isEqualTo("a\uFFFDb");
        assertThat(Printable.of("a\ud83d")).as("high surrogate at the end").isEqualTo("a\uFFFD");
        assertThat(Printable.of("\ude00\ud83d")).as("pair in the wrong order").isEqualTo("\uFFFD\uFFFD");
    }

    @Test
    void validSurrogatePairsAndOrdinaryNonAsciiAreKept() {
        String text = "h\u00e9llo \u65e5\u672c \ud83d\ude00!";
        assertThat(Printable.of(text)).as("é, 日本 and an emoji untouched").isEqualTo(text);
        assertThat(Printable.of("\ud83d\ude00\n")).as("emoji kept, newline after it escaped")
                .isEqualTo("\ud83d\ude00\\u000a");
    }

    @Test
    void theResultIsAlwaysOneLineOfPrintableCharacters() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            all.append(c);
        }
        String out = Printable.of(all.toString());
        assertThat(out).as("no line breaks").doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029");
        assertThat(out.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)))
                .as("no C0, DEL or C1 control left").isFalse();
    }
}
