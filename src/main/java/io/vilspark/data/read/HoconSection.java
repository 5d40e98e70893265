package io.vilspark.data.read;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.vilspark.config.ConfigException;

/**
 * One block of reader settings as the user wrote it, over the defaults of {@code jobs/reader.conf}:
 * typed getters whose errors name the key's full path and where it was written, and a check that
 * refuses keys the defaults do not have (a typo must not silently fall back to a default).
 */
final class HoconSection {
    static final String DEFAULTS_RESOURCE = "jobs/reader.conf";
    static final String DEFAULTS_ROOT = "reader";

    private final Config merged;
    private final String path;

    /**
     * @param given       the user's block (may be partial or empty)
     * @param path        where the block sits in the job's configuration, for messages ({@code reader})
     * @param defaultsAt  the block's path inside {@code jobs/reader.conf} ({@code reader} or {@code reader.augment})
     */
    HoconSection(Config given, String path, String defaultsAt) {
        Config defaults = defaults().getConfig(defaultsAt);
        this.path = path;
        rejectUnknown(given, defaults);
        this.merged = given.withFallback(defaults).resolve();
    }

    static Config defaults() {
        ClassLoader loader = HoconSection.class.getClassLoader();
        if (loader.getResource(DEFAULTS_RESOURCE) == null) {
            throw new IllegalStateException("classpath resource " + DEFAULTS_RESOURCE + " is missing (conf/ is not on the classpath)");
        }
        return ConfigFactory.parseResources(loader, DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false));
    }

    private void rejectUnknown(Config given, Config defaults) {
        Set<String> known = new TreeSet<>(defaults.entrySet().stream().map(e -> e.getKey()).toList());
        for (var e : given.entrySet()) {
            String key = e.getKey();
            if (!knows(defaults, key)) {
                throw new ConfigException(where(e.getValue()), full(key), "unknown key (known keys: "
                        + String.join(", ", known) + ")");
            }
            if (defaults.getValue(key).valueType() == ConfigValueType.OBJECT) {
                throw new ConfigException(where(e.getValue()), full(key), "expected a block { ... }, got "
                        + render(e.getValue()));
            }
        }
    }

    private static boolean knows(Config defaults, String key) {
        try {
            return defaults.hasPath(key);
        } catch (com.typesafe.config.ConfigException e) {
            return false; // the path runs through a value that is not a block
        }
    }

    /** The section below {@code key} (e.g. {@code augment}), for a nested factory. */
    Config section(String key) {
        return merged.getConfig(key);
    }

    String full(String key) {
        return path == null || path.isEmpty() ? key : path + "." + key;
    }

    private ConfigException error(String key, String problem) {
        return new ConfigException(where(merged.hasPath(key) ? merged.getValue(key) : null), full(key), problem);
    }

    private static String where(ConfigValue value) {
        return value == null || value.origin() == null ? null : value.origin().description();
    }

    private ConfigException expected(String key, String what) {
        return error(key, "expected " + what + ", got " + render(merged.getValue(key)));
    }

    private static String render(ConfigValue v) {
        return v.valueType() == ConfigValueType.STRING ? "\"" + v.unwrapped() + "\"" : v.render();
    }

    double number(String key) {
        try {
            double d = merged.getDouble(key);
            if (!Double.isFinite(d)) {
                throw expected(key, "a finite number");
            }
            return d;
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "a number");
        }
    }

    double number(String key, double min, double max) {
        double d = number(key);
        if (d < min || d > max) {
            throw expected(key, "a number in [" + min + ", " + max + "]");
        }
        return d;
    }

    long integral(String key, long min) {
        try {
            Object raw = merged.getValue(key).unwrapped();
            if (raw instanceof Double d && d != Math.rint(d)) {
                throw expected(key, "an integer");
            }
            long v = merged.getLong(key);
            if (v < min) {
                throw expected(key, "an integer >= " + min);
            }
            return v;
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "an integer");
        }
    }

    int integer(String key, int min) {
        long v = integral(key, min);
        if (v > Integer.MAX_VALUE) {
            throw expected(key, "an integer <= " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    boolean bool(String key) {
        try {
            return merged.getBoolean(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "true or false");
        }
    }

    String choice(String key, List<String> allowed) {
        String v;
        try {
            v = merged.getString(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "one of " + String.join(", ", allowed));
        }
        if (!allowed.contains(v)) {
            throw expected(key, "one of " + String.join(", ", allowed));
        }
        return v;
    }

    List<Double> numbers(String key) {
        try {
            List<Double> out = new ArrayList<>(merged.getDoubleList(key));
            for (double d : out) {
                if (!Double.isFinite(d)) {
                    throw expected(key, "a list of finite numbers");
                }
            }
            return out;
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "a list of numbers");
        }
    }

    /** A {@code [low, high]} pair with {@code min <= low <= high <= max}. */
    double[] range(String key, double min, double max) {
        List<Double> v = numbers(key);
        if (v.size() != 2 || v.get(0) > v.get(1) || v.get(0) < min || v.get(1) > max) {
            throw expected(key, "[low, high] with " + min + " <= low <= high <= " + max);
        }
        return new double[] {v.get(0), v.get(1)};
    }

    /** A problem that involves a key's value in relation to others. */
    ConfigException invalid(String key, String problem) {
        return error(key, problem);
    }
}
