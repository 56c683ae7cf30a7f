package dev.gpumem.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpumem.estimate.WireEnum;
import dev.gpumem.input.BadInputException;
import dev.gpumem.names.ClosestNames;
import dev.gpumem.units.DType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Typed reads of request fields from a JSON tree, each failing with one sentence that names the (dotted) field and
 * what it accepts: unknown fields, closed vocabularies, strings, booleans, positive integers in range, dtypes.
 */
final class JsonFields {
    private JsonFields() {
    }

    static void checkFields(String where, JsonNode o, List<String> allowed) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                String prefix = where.equals("request") ? "" : where + ".";
                throw new BadInputException(prefix + k + ": unknown field; accepted "
                        + (where.equals("request") ? "request fields" : where + " fields") + ": "
                        + String.join(", ", allowed) + ClosestNames.didYouMean(k, allowed));
            }
        }
    }

    static <E extends Enum<E> & WireEnum> E wire(JsonNode o, String key, Class<E> type, E dflt) {
        return wire(o, key, key, type, dflt);
    }

    static <E extends Enum<E> & WireEnum> E wire(JsonNode o, String key, String field, Class<E> type, E dflt) {
        JsonNode n = o.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new BadInputException(field + ": unknown value " + n + "; accepted: " + accepted(type));
        }
        return WireEnum.parse(type, field, n.asText());
    }

    static <E extends Enum<E> & WireEnum> String accepted(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.wire());
        }
        return String.join(", ", names);
    }

    static String text(JsonNode o, String key, String field) {
        JsonNode n = o.get(key);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw new BadInputException((field == null ? key : field) + ": expected a string, got " + kind(n));
        }
        return n.asText();
    }

    static boolean bool(JsonNode o, String key, boolean dflt) {
        JsonNode n = o.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new BadInputException(key + ": expected true or false, got " + kind(n));
        }
        return n.asBoolean();
    }

    static int positiveInt(JsonNode o, String key, String field, int dflt) {
        JsonNode n = o.get(key);
        if (n == null) {
            return dflt;
        }
        return (int) positiveLong(n, field, Integer.MAX_VALUE);
    }

    static long positiveLong(JsonNode n, String field) {
        return positiveLong(n, field, Long.MAX_VALUE);
    }

    static long positiveLong(JsonNode n, String field, long max) {
        if (!n.isNumber()) {
            throw new BadInputException(field + ": must be a positive integer, got " + kind(n));
        }
        if (!n.canConvertToExactIntegral()) {
            throw new BadInputException(field + ": must be a positive integer, got " + n);
        }
        BigInteger v = n.bigIntegerValue();
        if (v.signum() <= 0) {
            throw new BadInputException(field + ": must be a positive integer, got " + n);
        }
        if (v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new BadInputException(field + ": " + n + " is out of range; must be a positive integer up to "
                    + max);
        }
        return v.longValueExact();
    }

    static DType dtype(JsonNode n, String field, List<DType> allowed) {
        String names = String.join(", ", allowed.stream().map(JsonFields::shortName).toList());
        if (!n.isTextual()) {
            throw new BadInputException(field + ": unknown value " + n + "; accepted: " + names);
        }
        DType d;
        try {
            d = DType.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(field + ": unknown value '" + n.asText() + "'; accepted: " + names
                    + ClosestNames.didYouMean(n.asText(), allowed.stream().map(JsonFields::shortName).toList()));
        }
        if (!allowed.contains(d)) {
            throw new BadInputException(field + ": unknown value '" + n.asText() + "'; accepted: " + names);
        }
        return d;
    }

    /** @return the short dtype name requests use (fp32, bf16, nf4, ...) */
    static String shortName(DType d) {
        return switch (d) {
            case FP64 -> "fp64";
            case FP32 -> "fp32";
            case TF32 -> "tf32";
            case FP16 -> "fp16";
            case BF16 -> "bf16";
            case FP8 -> "fp8";
            default -> d.wireName();
        };
    }

    static String kind(JsonNode n) {
        if (n.isTextual()) {
            return "the string " + n;
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isBoolean()) {
            return n.asText();
        }
        return n.toString();
    }
}
