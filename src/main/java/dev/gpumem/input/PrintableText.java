package dev.gpumem.input;

/**
 * Makes text that came from a file or a child process safe to print on a terminal: every control character (C0,
 * DEL, C1) and every bidirectional override is written as a visible escape ({@code \e}, {@code \r}, {@code \0},
 * {@code \x07}, {@code \u202e}), so a markers file or a child's output cannot move the cursor, clear the screen,
 * recolour the terminal or hide text. Tab stays a tab; a backslash stays a backslash.
 */
public final class PrintableText {
    private PrintableText() {
    }

    /** @return {@code s} with control characters escaped; null stays null */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = replacement(c);
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String replacement(char c) {
        return switch (c) {
            case '\t' -> null;
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\0' -> "\\0";
            case 0x1b -> "\\e";
            default -> {
                if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                    yield String.format("\\x%02x", (int) c);
                }
                if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
                    yield String.format("\\u%04x", (int) c);
                }
                yield null;
            }
        };
    }
}
