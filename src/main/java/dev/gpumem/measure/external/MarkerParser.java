package dev.gpumem.measure.external;

import dev.gpumem.measure.FrameworkCounters;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the marker protocol of docs/markers.md: one line per boundary, space-separated {@code key=value} pairs,
 * {@code phase} required, byte counts as non-negative decimal integers. Never throws on bad input: a malformed
 * line comes back as a {@link Result.Malformed} naming the reason, for the profile's notes.
 */
public final class MarkerParser {
    private static final Pattern PHASE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
    private static final Set<String> KEYS = Set.of("phase", "at", "allocated", "reserved", "peak_allocated",
            "peak_reserved", "t", "rank", "pid");

    /** What one line said. */
    public sealed interface Result permits Result.Ok, Result.Blank, Result.Malformed {
        /** A marker. */
        record Ok(Marker marker) implements Result {
        }

        /** An empty line or a {@code #} comment. */
        record Blank() implements Result {
        }

        /**
         * A line that is not a marker.
         *
         * @param lineNumber 1-based line
         * @param reason     what is wrong, naming the key and the accepted form
         * @param line       the line (cut to 200 characters)
         */
        record Malformed(int lineNumber, String reason, String line) implements Result {
        }
    }

    private MarkerParser() {
    }

    /** Parses one line (without its newline). */
    public static Result parse(int lineNumber, String line) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return new Result.Blank();
        }
        Map<String, String> kv = new HashMap<>();
        for (String token : text.split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                return bad(lineNumber, "'" + cut(token) + "' is not key=value", line);
            }
            String key = token.substring(0, eq);
            if (!KEYS.contains(key)) {
                return bad(lineNumber, "unknown key '" + cut(key) + "'; accepted: phase, at, allocated, reserved, "
                        + "peak_allocated, peak_reserved, t, rank, pid", line);
            }
            if (kv.put(key, token.substring(eq + 1)) != null) {
                return bad(lineNumber, "key '" + key + "' given twice", line);
            }
        }
        String phase = kv.get("phase");
        if (phase == null) {
            return bad(lineNumber, "no phase= key", line);
        }
        if (!PHASE.matcher(phase).matches()) {
            return bad(lineNumber, "phase '" + cut(phase) + "' must be 1-64 letters, digits, '_', '.' or '-'", line);
        }
        Marker.At at = Marker.At.END;
        String atText = kv.get("at");
        if (atText != null) {
            if (atText.equals("start")) {
                at = Marker.At.START;
            } else if (!atText.equals("end")) {
                return bad(lineNumber, "at='" + cut(atText) + "'; accepted: start, end", line);
            }
        }
        Long[] bytes = new Long[4];
        String[] byteKeys = {"allocated", "reserved", "peak_allocated", "peak_reserved"};
        for (int i = 0; i < byteKeys.length; i++) {
            String v = kv.get(byteKeys[i]);
            if (v == null) {
                continue;
            }
            try {
                bytes[i] = Long.parseLong(v);
            } catch (NumberFormatException e) {
                bytes[i] = -1L;
            }
            if (bytes[i] < 0) {
                return bad(lineNumber, byteKeys[i] + "='" + cut(v) + "' must be a non-negative integer (bytes)", line);
            }
        }
        Double t = null;
        if (kv.containsKey("t")) {
            try {
                t = Double.parseDouble(kv.get("t"));
            } catch (NumberFormatException e) {
                t = Double.NaN;
            }
            if (!Double.isFinite(t) || t < 0) {
                return bad(lineNumber, "t='" + cut(kv.get("t")) + "' must be seconds since the epoch", line);
            }
        }
        Long rank = nonNegative(kv.get("rank"));
        if (rank != null && (rank < 0 || rank > Integer.MAX_VALUE)) {
            return bad(lineNumber, "rank='" + cut(kv.get("rank")) + "' must be a non-negative integer", line);
        }
        Long pid = nonNegative(kv.get("pid"));
        if (pid != null && pid <= 0) {
            return bad(lineNumber, "pid='" + cut(kv.get("pid")) + "' must be a positive integer", line);
        }
        if (Marker.BASELINE.equals(phase) && at == Marker.At.START) {
            return bad(lineNumber, "phase=baseline marks an instant: it takes no at=start", line);
        }
        return new Result.Ok(new Marker(lineNumber, phase, at,
                new FrameworkCounters(bytes[0], bytes[1], bytes[2], bytes[3]), t,
                rank == null ? null : rank.intValue(), pid));
    }

    /** @return the decimal integer, -1 when it is not one, or null when the key is absent */
    private static Long nonNegative(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    private static Result bad(int lineNumber, String reason, String line) {
        return new Result.Malformed(lineNumber, reason, cut(line));
    }

    private static String cut(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
