package io.hwaas.worker.job;

/**
 * Makes an argument safe to print on an operator's terminal: control characters (C0, DEL, C1),
 * line and paragraph separators and bidirectional overrides become visible {@code \\uXXXX}
 * escapes, and lone surrogates become U+FFFD. An ESC that starts an ANSI sequence is therefore
 * shown, not obeyed, and a hello is always exactly one line.
 */
final class Sanitizer {
    private Sanitizer() {
    }

    static String neutralise(String s) {
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
                out.append(c).append(s.charAt(++i));
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
        return !(c <= 0x9f
                || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200e || c == 0x200f || c == 0x061c
                || Character.isSurrogate(c));
    }
}
