package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A read-only view of one Hugging Face config.json (after {@code model_overrides}), with typed, validating
 * getters. Several getters take aliases because families name the same thing differently
 * ({@code n_embd}, {@code d_model}, {@code hidden_size}); the first alias present wins.
 * Every failure is an {@link BadInputException} naming the file and the field.
 */
final class HfConfig {
    private final String origin;
    private final String prefix;
    private final Map<String, Object> values;

    HfConfig(String origin, Map<String, Object> values) {
        this(origin, "", values);
    }

    private HfConfig(String origin, String prefix, Map<String, Object> values) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.prefix = prefix;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** @return the key as a message names it: nested keys carry their parent, e.g. quantization_config.bits */
    String field(String key) {
        return prefix + key;
    }

    /** @return a copy in which each override key replaces (or adds) the config key of the same name */
    HfConfig withOverrides(Map<String, Object> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return new HfConfig(origin + " with model_overrides " + overrides.keySet(), prefix, merged);
    }

    /** @return where the config came from, for messages */
    String origin() {
        return origin;
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    /** @return the first of {@code keys} present (non-null), or null */
    String firstPresent(String... keys) {
        for (String k : keys) {
            if (has(k)) {
                return k;
            }
        }
        return null;
    }

    /** @return the positive int under the first alias present */
    int positive(String... keys) {
        String key = firstPresent(keys);
        if (key == null) {
            throw new BadInputException(origin + ": missing required field '" + field(keys[0]) + "'"
                    + (keys.length > 1 ? " (or " + String.join(", ", List.of(keys).subList(1, keys.length)) + ")" : "")
                    + "; it must be a positive integer");
        }
        return positiveAt(key);
    }

    /** @return the positive int under the first alias present, or {@code fallback} when none is */
    int positiveOr(int fallback, String... keys) {
        String key = firstPresent(keys);
        return key == null ? fallback : positiveAt(key);
    }

    /** @return the int (>= 0) under the first alias present, or {@code fallback} when none is */
    int nonNegativeOr(int fallback, String... keys) {
        String key = firstPresent(keys);
        if (key == null) {
            return fallback;
        }
        long v = integral(key);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw invalid(key, "must be an integer from 0 to "
                    + Integer.MAX_VALUE + ", got " + values.get(key));
        }
        return (int) v;
    }

    /** @return the int (any sign) under {@code key}, which must be present */
    int integer(String key) {
        long v = integral(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw invalid(key, "must be an integer no larger than "
                    + Integer.MAX_VALUE + ", got " + values.get(key));
        }
        return (int) v;
    }

    private int positiveAt(String key) {
        long v = integral(key);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw invalid(key, "must be a positive integer no larger than "
                    + Integer.MAX_VALUE + ", got " + values.get(key));
        }
        return (int) v;
    }

    private long integral(String key) {
        Object o = values.get(key);
        BigDecimal d = decimalValue(o);
        if (d == null) {
            throw invalid(key, "must be an integer, got " + describe(o));
        }
        try {
            BigInteger i = d.toBigIntegerExact();
            if (i.bitLength() > 62) {
                throw invalid(key, "is too large (" + o
                        + "); it must be no larger than " + Integer.MAX_VALUE);
            }
            return i.longValue();
        } catch (ArithmeticException e) {
            throw invalid(key, "must be an integer, got " + o, e);
        }
    }

    /** @return the probability in [0, 1] under the first alias present, or {@code fallback} */
    double probabilityOr(double fallback, String... keys) {
        String key = firstPresent(keys);
        if (key == null) {
            return fallback;
        }
        BigDecimal d = decimalValue(values.get(key));
        if (d == null || d.signum() < 0 || d.compareTo(BigDecimal.ONE) > 0) {
            throw invalid(key, "must be a number from 0 to 1, got "
                    + describe(values.get(key)));
        }
        return d.doubleValue();
    }

    /**
     * @return the softcapping cap under {@code key}: {@code fallback} when the key is absent, 0 (none) when it is
     *         null, else the positive number
     */
    double capOr(double fallback, String key) {
        if (!values.containsKey(key)) {
            return fallback;
        }
        Object o = values.get(key);
        if (o == null) {
            return 0;
        }
        BigDecimal d = decimalValue(o);
        if (d == null || d.signum() <= 0) {
            throw invalid(key, "must be a positive number or null, got " + describe(o));
        }
        return d.doubleValue();
    }

    /** @return the boolean under {@code key}, or {@code fallback} when absent */
    boolean flag(String key, boolean fallback) {
        Object o = values.get(key);
        if (o == null) {
            return fallback;
        }
        if (o instanceof Boolean b) {
            return b;
        }
        throw invalid(key, "must be true or false, got " + describe(o));
    }

    /** @return the string under {@code key}, or null when absent */
    String string(String key) {
        Object o = values.get(key);
        if (o == null) {
            return null;
        }
        if (o instanceof String s) {
            return s;
        }
        throw invalid(key, "must be a string, got " + describe(o));
    }

    /** @return the list of strings under {@code key} (a single string counts as a list of one), empty when absent */
    List<String> strings(String key) {
        Object o = values.get(key);
        if (o == null) {
            return List.of();
        }
        if (o instanceof String s) {
            return List.of(s);
        }
        if (o instanceof List<?> list && list.stream().allMatch(e -> e instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw invalid(key, "must be a list of strings, got " + describe(o));
    }

    /** @return the list of integers under {@code key}, empty when absent */
    List<Long> integers(String key) {
        Object o = values.get(key);
        if (o == null) {
            return List.of();
        }
        if (o instanceof List<?> list) {
            return list.stream().map(e -> {
                BigDecimal d = decimalValue(e);
                if (d == null || d.stripTrailingZeros().scale() > 0) {
                    throw invalid(key, "must be a list of integers, got "
                            + describe(o));
                }
                return d.longValue();
            }).toList();
        }
        throw invalid(key, "must be a list of integers, got " + describe(o));
    }

    /** @return the nested object under {@code key} as a config of its own, or null when absent */
    HfConfig nested(String key) {
        Object o = values.get(key);
        if (o == null) {
            return null;
        }
        if (o instanceof Map<?, ?> map) {
            Map<String, Object> m = new LinkedHashMap<>();
            map.forEach((k, v) -> m.put(String.valueOf(k), v));
            return new HfConfig(origin, prefix + key + ".", m);
        }
        throw invalid(key, "must be a JSON object, got " + describe(o));
    }

    /** @return this object's entries (read-only) */
    Map<String, Object> asMap() {
        return values;
    }

    /** @return the keys of this object, in file order */
    List<String> keys() {
        return List.copyOf(values.keySet());
    }

    /** @return true when the value under {@code key} is a JSON object */
    boolean isObject(String key) {
        return values.get(key) instanceof Map<?, ?>;
    }

    /** @return the number of entries of the object under {@code key}, or -1 when absent */
    int objectSize(String key) {
        HfConfig n = nested(key);
        return n == null ? -1 : n.values.size();
    }

    /** @return "origin: field 'key' what", the one-sentence error for a bad value */
    BadInputException invalid(String key, String what) {
        return new BadInputException(origin + ": field '" + field(key) + "' " + what);
    }

    private BadInputException invalid(String key, String what, Throwable cause) {
        return new BadInputException(origin + ": field '" + field(key) + "' " + what, cause);
    }

    private static BigDecimal decimalValue(Object o) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return BigDecimal.valueOf(((Number) o).longValue());
        }
        if (o instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (o instanceof BigDecimal b) {
            return b;
        }
        if (o instanceof Double || o instanceof Float) {
            double d = ((Number) o).doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return null;
    }

    private static String describe(Object o) {
        if (o instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(o);
    }
}
