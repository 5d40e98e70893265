package io.vilspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a job's configuration in layers, command-line overrides over the user's file over the
 * job's defaults, and accepts only keys the defaults know, so a typo fails the job at submission
 * instead of being silently ignored. Values are checked against the defaults' types.
 *
 * <p>An empty block {@code {}} in the defaults is open: any keys below it are accepted (for
 * pass-through settings such as Spark or Hadoop properties).
 */
public final class JobConfig {
    private JobConfig() {
    }

    /**
     * @param resourceDefaults classpath resource with every key and its default, e.g. {@code reference-defaults/train.conf}
     * @param userFile         the user's HOCON file, if any
     * @param overrides        {@code key=value} strings in HOCON syntax, full paths ({@code train.epochs=3})
     * @return the merged configuration, substitutions resolved
     */
    public static Config load(String resourceDefaults, Optional<Path> userFile, List<String> overrides) {
        return load(defaults(resourceDefaults), userFile, overrides);
    }

    /** The defaults resource, parsed and not yet resolved (e.g. {@code jobs/reader.conf}). */
    public static Config defaults(String resourceDefaults) {
        Config defaults = HoconFiles.parseResource(JobConfig.class.getClassLoader(), resourceDefaults);
        if (defaults == null) {
            throw new ConfigException("classpath:" + resourceDefaults, null, "defaults resource not found on the classpath");
        }
        return defaults;
    }

    /** As {@link #load(String, Optional, List)}, with the defaults already parsed. */
    public static Config load(Config defaults, Optional<Path> userFile, List<String> overrides) {
        return load(defaults, userFile.map(HoconFiles::parse).orElse(ConfigFactory.empty()), overrides);
    }

    /**
     * As {@link #load(String, Optional, List)}, with the user's layer already parsed (e.g. a file that
     * travels in the job jar as a classpath resource); its substitutions may still be unresolved.
     */
    public static Config load(Config defaults, Config user, List<String> overrides) {
        Config layered = Overrides.parse(overrides == null ? List.of() : overrides).withFallback(user).withFallback(defaults);
        Config merged = HoconFiles.resolve(layered);
        Config resolvedDefaults = HoconFiles.resolve(defaults);
        Map<String, ConfigValue> settings = leaves(merged.root(), List.of());
        rejectUnknownKeys(settings, resolvedDefaults);
        rejectValuesForBlocks(settings, resolvedDefaults);
        try {
            merged.checkValid(resolvedDefaults);
        } catch (com.typesafe.config.ConfigException e) {
            throw ConfigException.fromTypesafe(e);
        }
        checkScalars(settings, resolvedDefaults);
        return merged;
    }

    private static void rejectUnknownKeys(Map<String, ConfigValue> settings, Config defaults) {
        List<String> known = new ArrayList<>(leaves(defaults.root(), List.of()).keySet());
        for (Map.Entry<String, ConfigValue> e : settings.entrySet()) {
            String path = e.getKey();
            if (!knows(defaults, path) && !isUnderOpenBlock(defaults, path)) {
                throw new ConfigException(Origins.describe(e.getValue().origin(), null), path,
                        KeySuggestions.unknownKey(path, known));
            }
        }
    }

    /**
     * The defaults with these settings made real numbers. Typesafe Config reads a whole number written
     * as {@code 1.0} as the integer 1, and the type check would then refuse {@code mix_prob = 0.5}.
     */
    public static Config withRealNumbers(Config defaults, List<String> paths) {
        Config out = defaults;
        for (String path : paths) {
            if (out.hasPath(path) && out.getValue(path).valueType() == ConfigValueType.NUMBER) {
                out = out.withValue(path, ConfigValueFactory.fromAnyRef(out.getDouble(path),
                        out.getValue(path).origin().description()));
            }
        }
        return out;
    }

    /** A value where the defaults have a block of settings ({@code shuffle = 3} for {@code shuffle { ... }}). */
    private static void rejectValuesForBlocks(Map<String, ConfigValue> settings, Config defaults) {
        for (Map.Entry<String, ConfigValue> e : settings.entrySet()) {
            String path = e.getKey();
            if (defaults.hasPath(path) && defaults.getValue(path) instanceof ConfigObject block && !block.isEmpty()
                    && !(e.getValue() instanceof ConfigObject)) {
                throw new ConfigException(Origins.describe(e.getValue().origin(), null), path,
                        "wrong value type, expecting: object (a block { ... }), got " + PlainValues.render(e.getValue().unwrapped()));
            }
        }
    }

    private static boolean knows(Config defaults, String path) {
        try {
            return defaults.hasPathOrNull(path);
        } catch (com.typesafe.config.ConfigException e) {
            return false; // the path runs through a value that is not a block
        }
    }

    private static boolean isUnderOpenBlock(Config defaults, String path) {
        List<String> segments = ConfigUtil.splitPath(path);
        for (int n = 1; n < segments.size(); n++) {
            String prefix = ConfigUtil.joinPath(segments.subList(0, n));
            if (knows(defaults, prefix) && !defaults.getIsNull(prefix)
                    && defaults.getValue(prefix) instanceof ConfigObject block && block.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Typesafe's checkValid lets a string stand for a number ("abc" for an epoch count passes);
     * here numbers and booleans must convert, and integer defaults need integers.
     */
    private static void checkScalars(Map<String, ConfigValue> settings, Config defaults) {
        for (Map.Entry<String, ConfigValue> e : settings.entrySet()) {
            String path = e.getKey();
            Object value = e.getValue().unwrapped();
            if (value == null || !defaults.hasPath(path)) {
                continue;
            }
            Object byDefault = defaults.getValue(path).unwrapped();
            String expected = null;
            if (byDefault instanceof Integer || byDefault instanceof Long) {
                expected = PlainValues.asLong(value, true).isPresent() ? null : "an integer";
            } else if (byDefault instanceof Number) {
                expected = PlainValues.asDouble(value, true).isPresent() ? null : "a number";
            } else if (byDefault instanceof Boolean) {
                expected = PlainValues.asBoolean(value, true).isPresent() ? null : "true or false";
            }
            if (expected != null) {
                throw new ConfigException(Origins.describe(e.getValue().origin(), null), path, "expected " + expected
                        + " (default " + PlainValues.render(byDefault) + "), got " + PlainValues.render(value));
            }
        }
    }

    /** Every setting that is not a block, nulls included (entrySet() leaves those out), by full path. */
    private static Map<String, ConfigValue> leaves(ConfigObject object, List<String> at) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        object.keySet().stream().sorted().forEach(key -> {
            List<String> path = new ArrayList<>(at);
            path.add(key);
            ConfigValue value = object.get(key);
            if (value instanceof ConfigObject inner && !inner.isEmpty()) {
                out.putAll(leaves(inner, path));
            } else {
                out.put(ConfigUtil.joinPath(path), value);
            }
        });
        return out;
    }
}
