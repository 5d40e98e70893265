package io.vilspark.train;

import java.util.ArrayList;
import java.util.List;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigRenderOptions;
import io.vilspark.config.ConfigException;
import io.vilspark.config.Origins;

/**
 * Typed reads of one block of an already merged job configuration, with errors that name the key's
 * full path ({@code train.epochs}) and where the value was written.
 */
final class RecipeSection {
    private final Config block;
    private final String path;

    RecipeSection(Config job, String path) {
        this.block = job.getConfig(path);
        this.path = path;
    }

    String full(String key) {
        return path + "." + key;
    }

    ConfigException invalid(String key, String problem) {
        return new ConfigException(where(key), full(key), problem);
    }

    private ConfigException expected(String key, String what) {
        return invalid(key, "expected " + what + ", got " + render(block.getValue(key)));
    }

    private String where(String key) {
        return block.hasPath(key) ? Origins.describe(block.getValue(key).origin(), null) : null;
    }

    private static String render(ConfigValue v) {
        return v.render(ConfigRenderOptions.concise());
    }

    int integer(String key, int min) {
        long v = integral(key, min);
        if (v > Integer.MAX_VALUE) {
            throw expected(key, "an integer <= " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    long integral(String key, long min) {
        Object raw = block.getValue(key).unwrapped();
        long v;
        try {
            if (raw instanceof Double d && d != Math.rint(d)) {
                throw expected(key, "an integer");
            }
            v = block.getLong(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "an integer");
        }
        if (v < min) {
            throw expected(key, min == Long.MIN_VALUE ? "an integer" : "an integer >= " + min);
        }
        return v;
    }

    double number(String key) {
        double v;
        try {
            v = block.getDouble(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "a number");
        }
        if (!Double.isFinite(v)) {
            throw expected(key, "a finite number");
        }
        return v;
    }

    /** A number in {@code [min, max]}; {@code maxExclusive} makes the upper bound open. */
    double number(String key, double min, double max, boolean maxExclusive) {
        double v = number(key);
        if (v < min || v > max || (maxExclusive && v == max)) {
            throw expected(key, "a number in [" + min + ", " + max + (maxExclusive ? ")" : "]"));
        }
        return v;
    }

    double nonNegative(String key) {
        double v = number(key);
        if (v < 0) {
            throw expected(key, "a number >= 0");
        }
        return v;
    }

    double positive(String key) {
        double v = number(key);
        if (!(v > 0)) {
            throw expected(key, "a number > 0");
        }
        return v;
    }

    boolean isNull(String key) {
        return block.getIsNull(key);
    }

    /** A list of exactly {@code length} numbers, each in {@code [min, max)}. */
    List<Double> numbers(String key, int length, double min, double max) {
        String what = "a list of " + length + " numbers in [" + min + ", " + max + ")";
        List<Double> values;
        try {
            values = new ArrayList<>(block.getDoubleList(key));
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, what);
        }
        if (values.size() != length) {
            throw expected(key, what);
        }
        for (double v : values) {
            if (!Double.isFinite(v) || v < min || v >= max) {
                throw expected(key, what);
            }
        }
        return values;
    }

    String text(String key) {
        try {
            return block.getString(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "a string");
        }
    }

    Config block(String key) {
        try {
            return block.getConfig(key);
        } catch (com.typesafe.config.ConfigException e) {
            throw expected(key, "a block { ... }");
        }
    }
}
