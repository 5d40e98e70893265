package io.vilspark.config;

import java.util.List;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;

/**
 * Typed access to one block of a job configuration loaded by {@link JobConfig} (keys and types
 * already checked against the defaults), for the range checks that remain. Every error names the
 * key's full path and where it was set: {@code --set extract.batch_size=0: extract.batch_size: ...}.
 */
public final class JobBlock {
    private final Config config;
    private final String block;

    /** @param block the block's path, e.g. {@code extract} */
    public JobBlock(Config config, String block) {
        this.config = config;
        this.block = block;
    }

    public String path(String key) {
        return block + "." + key;
    }

    public ConfigException error(String key, String problem) {
        String path = path(key);
        String where = null;
        if (config.hasPathOrNull(path)) {
            ConfigValue v = config.getValue(path);
            where = Origins.describe(v.origin(), null);
        }
        return new ConfigException(where, path, problem);
    }

    public boolean isNull(String key) {
        return config.getIsNull(path(key));
    }

    public String string(String key) {
        return config.getString(path(key));
    }

    /** null when the key is set to null */
    public String optionalString(String key) {
        return isNull(key) ? null : string(key);
    }

    public String choice(String key, List<String> allowed) {
        String v = string(key);
        if (!allowed.contains(v)) {
            throw error(key, "expected one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }
        return v;
    }

    public boolean bool(String key) {
        return config.getBoolean(path(key));
    }

    public long longValue(String key, long min, long max) {
        long v;
        try {
            v = config.getLong(path(key));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(key, "expected an integer");
        }
        if (v < min || v > max) {
            throw error(key, "expected an integer in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    public int integer(String key, int min, int max) {
        return (int) longValue(key, min, max);
    }

    /** A number with {@code min < value <= max} ({@code lowOpen}) or {@code min <= value <= max}. */
    public double number(String key, double min, double max, boolean lowOpen) {
        double v;
        try {
            v = config.getDouble(path(key));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(key, "expected a number");
        }
        boolean ok = Double.isFinite(v) && (lowOpen ? v > min : v >= min) && v <= max;
        if (!ok) {
            throw error(key, "expected a number in " + (lowOpen ? "(" : "[") + min + ", " + max + "], got " + v);
        }
        return v;
    }

    public List<Double> numbers(String key) {
        try {
            return List.copyOf(config.getDoubleList(path(key)));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(key, "expected a list of numbers");
        }
    }

    public List<String> strings(String key) {
        try {
            return List.copyOf(config.getStringList(path(key)));
        } catch (com.typesafe.config.ConfigException e) {
            throw error(key, "expected a list of names");
        }
    }
}
