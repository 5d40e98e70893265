package io.vilspark.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Collections;
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
 * One flat block of settings (a reference config.json, or the {@code model} block of a HOCON
 * file) as plain Java values, with typed getters whose errors name the key's full path and where
 * it was written. Lets JSON and HOCON share one reader of the model arguments.
 */
final class SettingsSection {
    private final String prefix;
    private final Map<String, Object> values;
    private final Map<String, String> locations;
    private final String sourceName;
    private final boolean stringsConvert;

    private SettingsSection(String prefix, Map<String, Object> values, Map<String, String> locations,
                            String sourceName, boolean stringsConvert) {
        this.prefix = prefix;
        this.values = values;
        this.locations = locations;
        this.sourceName = sourceName;
        this.stringsConvert = stringsConvert;
    }

    /** A JSON object: keys are top level, types are strict. */
    static SettingsSection ofJson(Map<String, Object> object, String sourceName) {
        return new SettingsSection(null, new LinkedHashMap<>(object), Map.of(), sourceName, false);
    }

    /** A resolved HOCON object found at {@code sectionPath}; keys ordered as written (by line). */
    static SettingsSection ofHocon(ConfigObject section, String sectionPath, String sourceName) {
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(section.entrySet());
        entries.sort(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
                .thenComparing(Map.Entry::getKey));
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> locations = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : entries) {
            values.put(e.getKey(), e.getValue().unwrapped());
            locations.put(e.getKey(), Origins.describe(e.getValue().origin(), sourceName));
        }
        return new SettingsSection(sectionPath, values, locations, sourceName, true);
    }

    List<String> keys() {
        return Collections.unmodifiableList(new ArrayList<>(values.keySet()));
    }

    /** Present, possibly with an explicit null. */
    boolean has(String key) {
        return values.containsKey(key);
    }

    boolean isNull(String key) {
        return values.containsKey(key) && values.get(key) == null;
    }

    Object raw(String key) {
        return values.get(key);
    }

    /** The key as the user sees it: {@code dim} in JSON, {@code model.dim} in HOCON. */
    String path(String key) {
        if (key == null) {
            return prefix;
        }
        return prefix == null ? key : prefix + "." + key;
    }

    /** An error about {@code key} (null: about the whole section), located where the key was written. */
    ConfigException error(String key, String problem) {
        String location = key == null ? sourceName : locations.getOrDefault(key, sourceName);
        return new ConfigException(location, path(key), problem);
    }

    private ConfigException expected(String key, String expected) {
        return error(key, "expected " + expected + ", got " + PlainValues.render(raw(key)));
    }

    long integral(String key, LongPredicate valid, String expected) {
        OptionalLong v = PlainValues.asLong(raw(key), stringsConvert);
        if (v.isEmpty() || !valid.test(v.getAsLong())) {
            throw expected(key, expected);
        }
        return v.getAsLong();
    }

    int integer(String key, IntPredicate valid, String expected) {
        long v = integral(key, l -> l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE && valid.test((int) l), expected);
        return (int) v;
    }

    double number(String key, DoublePredicate valid, String expected) {
        OptionalDouble v = PlainValues.asDouble(raw(key), stringsConvert);
        if (v.isEmpty() || !valid.test(v.getAsDouble())) {
            throw expected(key, expected);
        }
        return v.getAsDouble();
    }

    boolean bool(String key) {
        return PlainValues.asBoolean(raw(key), stringsConvert).orElseThrow(() -> expected(key, "true or false"));
    }

    String string(String key, String expected) {
        if (raw(key) instanceof String s) {
            return s;
        }
        throw expected(key, expected);
    }

    boolean isList(String key) {
        return raw(key) instanceof List<?>;
    }

    /** A list of {@code length} integers, each passing {@code valid}. */
    List<Integer> integers(String key, int length, IntPredicate valid, String expected) {
        if (!(raw(key) instanceof List<?> list) || list.size() != length) {
            throw expected(key, expected);
        }
        List<Integer> out = new ArrayList<>(length);
        for (Object item : list) {
            OptionalLong v = PlainValues.asLong(item, stringsConvert);
            if (v.isEmpty() || v.getAsLong() > Integer.MAX_VALUE || v.getAsLong() < Integer.MIN_VALUE
                    || !valid.test((int) v.getAsLong())) {
                throw expected(key, expected);
            }
            out.add((int) v.getAsLong());
        }
        return out;
    }
}
