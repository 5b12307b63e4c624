package io.hwaas.runtime;

/**
 * Makes text from Redis safe for an operator's terminal, in hello lines and in logs alike:
 * control characters (C0, DEL, C1), line and paragraph separators, and every invisible format
 * character (bidirectional overrides and isolates, zero-width spaces and joiners, the byte order
 * mark, soft hyphens, tag characters) become visible {@code \\uXXXX} escapes, and lone
 * surrogates become U+FFFD. An ESC that starts an ANSI sequence is therefore shown, not obeyed,
 * a line can never be split or reordered, and nothing can hide in it.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code s} with everything unsafe escaped; {@code s} itself when it is plain. */
    public static String of(String s) {
        if (s == null) {
            return "null";
        }
        int i = 0;
        int n = s.length();
        while (i < n && isPlain(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder out = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, s.charAt(i + 1));
                if (Character.getType(codePoint) == Character.FORMAT) {
                    // Tag characters (U+E0000..) are invisible too.
                    out.append(String.format("\\u%04x\\u%04x", (int) c, (int) s.charAt(i + 1)));
                } else {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else if (isPlain(c)) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static boolean isPlain(char c) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
        if (c < 0x80) {
            return true;
        }
        if (c <= 0x9f || Character.isSurrogate(c)) {
            return false;
        }
        int type = Character.getType(c);
        // FORMAT: bidi controls, zero-width characters, BOM, soft hyphen; the separators split lines.
        return type != Character.FORMAT && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.CONTROL;
    }
}
