package io.vilspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.DoublePredicate;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;

/**
 * One block of settings read as typed values: a block of a job configuration loaded by
 * {@link JobConfig} ({@code train}, {@code prepare}, {@code reader.augment}), a {@code model} block,
 * or a reference config.json object. Every getter checks the value, and every error names the key's
 * full path and where the value was written, e.g.
 * {@code command-line override 'train.epochs=0': train.epochs: expected an integer >= 1, got 0}.
 *
 * <p>HOCON values convert as Typesafe Config converts them ("96" reads as 96: what an environment
 * variable substitutes is always a string); JSON stays strict, as Python's keyword arguments are.
 */
public final class SettingsBlock {
    private final String prefix;
    private final Map<String, Object> values;
    private final ConfigObject hocon;
    private final String sourceName;

    private SettingsBlock(String prefix, Map<String, Object> values, ConfigObject hocon, String sourceName) {
        this.prefix = prefix;
        this.values = values;
        this.hocon = hocon;
        this.sourceName = sourceName;
    }

    /** The block at {@code path} (e.g. {@code train}) of a configuration {@link JobConfig} has loaded. */
    public static SettingsBlock of(Config document, String path) {
        return ofHocon(document.getConfig(path).root(), path, null);
    }

    /**
     * A resolved HOCON object found at {@code path}.
     *
     * @param sourceName what messages call a value that has no file of its own; may be null
     */
    static SettingsBlock ofHocon(ConfigObject object, String path, String sourceName) {
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) (Map<?, ?>) object.unwrapped();
        return new SettingsBlock(path, new LinkedHashMap<>(values), object, sourceName);
    }

    /** A JSON object: keys are top level, types are strict, every error is located at {@code sourceName}. */
    static SettingsBlock ofJson(Map<String, Object> object, String sourceName) {
        return new SettingsBlock(null, new LinkedHashMap<>(object), null, sourceName);
    }

    /** The sub-block at {@code key}, e.g. {@code augment} of {@code train.reader}. */
    public SettingsBlock within(String key) {
        return ofHocon(block(key).root(), path(key), sourceName);
    }

    /** The sub-block at {@code key} as written, for a reader of its own (HOCON blocks only). */
    public Config block(String key) {
        if (hocon == null || !(value(key) instanceof ConfigObject object)) {
            throw expected(key, "a block { ... }");
        }
        return object.toConfig();
    }

    /** The key as the user sees it: {@code train.epochs}, or {@code dim} in a top-level JSON object. */
    public String path(String key) {
        if (key == null) {
            return prefix;
        }
        return prefix == null ? key : prefix + "." + key;
    }

    /** An error about {@code key} (null: about the whole block), located where its value was written. */
    public ConfigException error(String key, String problem) {
        ConfigValue v = key == null ? null : value(key);
        String where = v == null ? sourceName : Origins.describe(v.origin(), sourceName);
        return new ConfigException(where, path(key), problem);
    }

    /** "expected {@code what}, got {@code <the value as written>}" about {@code key}. */
    public ConfigException expected(String key, String what) {
        return error(key, "expected " + what + ", got " + PlainValues.render(raw(key)));
    }

    /** The keys as written (by line in HOCON), for checks of unknown keys. */
    List<String> keys() {
        List<String> keys = new ArrayList<>(values.keySet());
        if (hocon != null) {
            keys.sort(Comparator.comparingInt((String k) -> hocon.get(k).origin().lineNumber()).thenComparing(k -> k));
        }
        return keys;
    }

    /** Present, possibly with an explicit null; {@code key} may be a dotted path ({@code shuffle.global}). */
    public boolean has(String key) {
        int dot = key.lastIndexOf('.');
        return (dot < 0 ? values : raw(key.substring(0, dot))) instanceof Map<?, ?> m
                && m.containsKey(key.substring(dot + 1));
    }

    public boolean isNull(String key) {
        return has(key) && raw(key) == null;
    }

    boolean isList(String key) {
        return raw(key) instanceof List<?>;
    }

    /** The plain Java value (String, Number, Boolean, List, Map or null) at {@code key}. */
    Object raw(String key) {
        Object v = values;
        for (String segment : key.split("\\.")) {
            v = v instanceof Map<?, ?> m ? m.get(segment) : null;
        }
        return v;
    }

    /** The HOCON value at {@code key}, for its origin; null for JSON or when absent. */
    private ConfigValue value(String key) {
        ConfigValue v = hocon;
        for (String segment : key.split("\\.")) {
            v = v instanceof ConfigObject o ? o.get(segment) : null;
        }
        return v;
    }

    private boolean stringsConvert() {
        return hocon != null;
    }

    public long integral(String key, long min, long max) {
        OptionalLong v = PlainValues.asLong(raw(key), stringsConvert());
        String what = min == Long.MIN_VALUE && max == Long.MAX_VALUE ? "an integer"
                : max == Long.MAX_VALUE || (max == Integer.MAX_VALUE && (v.isEmpty() || v.getAsLong() <= max))
                ? "an integer >= " + min : "an integer in [" + min + ", " + max + "]";
        return integral(key, l -> l >= min && l <= max, what);
    }

    public int integer(String key, int min, int max) {
        return (int) integral(key, min, max);
    }

    /** An integer {@code >= min}. */
    public int integer(String key, int min) {
        return integer(key, min, Integer.MAX_VALUE);
    }

    long integral(String key, LongPredicate valid, String expected) {
        OptionalLong v = PlainValues.asLong(raw(key), stringsConvert());
        if (v.isEmpty() || !valid.test(v.getAsLong())) {
            throw expected(key, expected);
        }
        return v.getAsLong();
    }

    int integer(String key, IntPredicate valid, String expected) {
        return (int) integral(key, l -> l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE && valid.test((int) l), expected);
    }

    /** Any finite number. */
    public double number(String key) {
        return number(key, v -> true, "a number");
    }

    /** A number within {@code bounds}; what is no number at all is told so first. */
    public double number(String key, Bounds bounds) {
        return number(key, number(key), bounds::contains, bounds.describe());
    }

    double number(String key, DoublePredicate valid, String expected) {
        OptionalDouble v = PlainValues.asDouble(raw(key), stringsConvert());
        if (v.isEmpty()) {
            throw expected(key, expected);
        }
        return number(key, v.getAsDouble(), valid, expected);
    }

    private double number(String key, double v, DoublePredicate valid, String expected) {
        if (!valid.test(v)) {
            throw expected(key, expected);
        }
        return v;
    }

    public boolean bool(String key) {
        return PlainValues.asBoolean(raw(key), stringsConvert()).orElseThrow(() -> expected(key, "true or false"));
    }

    /** A string; in HOCON a number or boolean reads as its text, as Typesafe Config's getString reads it. */
    public String string(String key) {
        Object v = raw(key);
        if (stringsConvert() && (v instanceof Number || v instanceof Boolean)) {
            return String.valueOf(v);
        }
        return string(key, "a string");
    }

    /** Strictly a string: {@code expected} says what else is wrong. */
    String string(String key, String expected) {
        if (raw(key) instanceof String s) {
            return s;
        }
        throw expected(key, expected);
    }

    /** A string, or null when the key is set to null. */
    public String optionalString(String key) {
        return isNull(key) ? null : string(key);
    }

    /** One of {@code allowed}, compared as written. */
    public String choice(String key, List<String> allowed) {
        String v = string(key);
        if (!allowed.contains(v)) {
            throw error(key, "expected one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }
        return v;
    }

    /** A list of finite numbers, of any length. */
    public List<Double> numbers(String key) {
        return numbers(key, -1, Bounds.atLeast(Double.NEGATIVE_INFINITY), "a list of numbers");
    }

    /** A list of exactly {@code length} numbers, each within {@code each}. */
    public List<Double> numbers(String key, int length, Bounds each) {
        return numbers(key, length, each, "a list of " + length + " numbers " + each.range());
    }

    private List<Double> numbers(String key, int length, Bounds each, String expected) {
        if (!(raw(key) instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw expected(key, expected);
        }
        List<Double> out = new ArrayList<>(list.size());
        for (Object item : list) {
            OptionalDouble v = PlainValues.asDouble(item, stringsConvert());
            if (v.isEmpty() || !each.contains(v.getAsDouble())) {
                throw expected(key, expected);
            }
            out.add(v.getAsDouble());
        }
        return List.copyOf(out);
    }

    /** A list of {@code length} integers, each passing {@code valid}. */
    List<Integer> integers(String key, int length, IntPredicate valid, String expected) {
        if (!(raw(key) instanceof List<?> list) || list.size() != length) {
            throw expected(key, expected);
        }
        List<Integer> out = new ArrayList<>(length);
        for (Object item : list) {
            OptionalLong v = PlainValues.asLong(item, stringsConvert());
            if (v.isEmpty() || v.getAsLong() > Integer.MAX_VALUE || v.getAsLong() < Integer.MIN_VALUE
                    || !valid.test((int) v.getAsLong())) {
                throw expected(key, expected);
            }
            out.add((int) v.getAsLong());
        }
        return out;
    }

    /** A list of strings. */
    public List<String> strings(String key) {
        if (!(raw(key) instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw expected(key, "a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
