package dev.gpumem.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpumem.input.BadInputException;
import java.util.Locale;

/**
 * Strict reads of a measured file's fields (profiles, calibrations), every failure one sentence
 * {@code "<file>: <field path>: <what is wrong>"}. Numbers must be JSON integers where bytes, nanoseconds or counts
 * are meant: a string ("NaN"), a fraction (1.5), a float outside the 64-bit range (1e309) or a negative value is
 * refused, never read as 0 or clamped.
 */
final class CheckedFields {
    private final String origin;

    /** @param origin the file (or resource) the fields come from, for messages */
    CheckedFields(String origin) {
        this.origin = origin;
    }

    BadInputException bad(String path, String what) {
        return new BadInputException(origin + ": " + path + ": " + what);
    }

    /** @return the field's node; refused when missing or null */
    JsonNode required(JsonNode o, String key, String path) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw bad(path, "missing field");
        }
        return v;
    }

    /** @return a non-negative 64-bit integer (bytes, nanoseconds) */
    long nonNegativeLong(JsonNode o, String key, String path) {
        return nonNegative(required(o, key, path), path);
    }

    /** @return a non-negative 64-bit integer, or null when the field is absent or null */
    Long nonNegativeLongOrNull(JsonNode o, String key, String path) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : nonNegative(v, path);
    }

    /** @return a non-negative integer that fits an int (counts) */
    int count(JsonNode o, String key, String path) {
        long v = nonNegativeLong(o, key, path);
        if (v > Integer.MAX_VALUE) {
            throw bad(path, v + " is out of range; must be at most " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** @return a finite number {@code >= 0} (a rate) */
    double nonNegativeNumber(JsonNode o, String key, String path) {
        JsonNode v = required(o, key, path);
        if (!v.isNumber()) {
            throw bad(path, "must be a number, got " + shown(v));
        }
        double d = v.asDouble();
        if (!Double.isFinite(d) || d < 0) {
            throw bad(path, "must be a finite number >= 0, got " + shown(v));
        }
        return d;
    }

    /** @return a string; refused when missing or not a string */
    String text(JsonNode o, String key, String path) {
        JsonNode v = required(o, key, path);
        if (!v.isTextual()) {
            throw bad(path, "must be a string, got " + shown(v));
        }
        return v.asText();
    }

    /** @return a string, or null when absent or null; refused when it is another kind of value */
    String textOrNull(JsonNode o, String key, String path) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad(path, "must be a string, got " + shown(v));
        }
        return v.asText();
    }

    /** @return the enum constant the lower-case wire name stands for */
    <E extends Enum<E>> E constant(JsonNode o, String key, String path, Class<E> type) {
        String s = text(o, key, path);
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                return e;
            }
        }
        StringBuilder accepted = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            accepted.append(accepted.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw bad(path, "unknown value '" + s + "'; accepted: " + accepted);
    }

    private long nonNegative(JsonNode v, String path) {
        if (!v.isNumber()) {
            throw bad(path, "must be a non-negative integer, got " + shown(v));
        }
        if (!v.isIntegralNumber()) {
            throw bad(path, "must be a non-negative integer, got " + shown(v)
                    + (Double.isFinite(v.asDouble()) ? " (a fraction or a float)" : " (not a finite number)"));
        }
        if (!v.canConvertToLong()) {
            throw bad(path, v.asText() + " is out of range; must be a non-negative integer up to " + Long.MAX_VALUE);
        }
        long n = v.asLong();
        if (n < 0) {
            throw bad(path, "must be a non-negative integer, got " + n);
        }
        return n;
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
