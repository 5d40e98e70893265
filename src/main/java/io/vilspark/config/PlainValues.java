package io.vilspark.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Conversions of plain Java values (what Jackson and Typesafe Config unwrap to) into the types a
 * setting needs. {@code stringsConvert} follows Typesafe Config's rule that "96" reads as 96 and
 * "yes" as true: in HOCON, values substituted from environment variables are always strings.
 * JSON stays strict, as Python's keyword arguments are.
 */
final class PlainValues {
    private PlainValues() {
    }

    /** An integral number (not 1.5, and not 192.0 either: the reference would get a float). */
    static OptionalLong asLong(Object v, boolean stringsConvert) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return OptionalLong.of(((Number) v).longValue());
        }
        if (v instanceof BigInteger big) {
            return big.bitLength() < 64 ? OptionalLong.of(big.longValue()) : OptionalLong.empty();
        }
        if (v instanceof String s && stringsConvert) {
            try {
                return OptionalLong.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /** Any finite number. */
    static OptionalDouble asDouble(Object v, boolean stringsConvert) {
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else if (v instanceof String s && stringsConvert) {
            try {
                d = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        } else {
            return OptionalDouble.empty();
        }
        return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
    }

    static Optional<Boolean> asBoolean(Object v, boolean stringsConvert) {
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof String s && stringsConvert) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on":
                    return Optional.of(true);
                case "false", "no", "off":
                    return Optional.of(false);
                default:
                    return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The value as the user would have written it: strings quoted, lists in brackets. */
    static String render(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (v instanceof List<?> list) {
            return list.stream().map(PlainValues::render).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> e.getKey() + ": " + render(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(v);
    }
}
