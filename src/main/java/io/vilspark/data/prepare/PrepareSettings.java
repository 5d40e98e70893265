package io.vilspark.data.prepare;

import java.util.List;
import java.util.Locale;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import io.vilspark.config.ConfigException;
import io.vilspark.image.ResampleFilter;

/**
 * The validated {@code prepare} block of the job configuration (defaults in
 * {@code conf/jobs/prepare.conf}). Errors name the key and where it was set.
 */
public record PrepareSettings(String input, String output, SourceFormat format, int resolution, int patch,
                              int channels, ResampleFilter filter, double valFraction, long seed, long limit,
                              long shardBytes, int minShards, String compression, long maxPixels, long maxFileBytes,
                              int skippedExamples, boolean overwrite, String valLabels, String devkitClasses,
                              List<String> classNames, int progressSeconds, String failOnKey) {
    /** The defaults resource on the classpath (conf/ is a resource folder). */
    public static final String DEFAULTS = "jobs/prepare.conf";
    static final String BLOCK = "prepare.";

    public static PrepareSettings from(Config config) {
        Reader r = new Reader(config);
        String input = r.requiredString("input");
        String output = r.requiredString("output");
        String formatName = r.string("format");
        SourceFormat format = null;
        if (!"auto".equals(formatName)) {
            format = SourceFormat.parse(formatName);
            if (format == null) {
                throw r.error("format", "expected imagenet, folder, idx or auto, got '" + formatName + "'");
            }
        }
        int patch = r.integer("patch", 1, 1024);
        if (config.getIsNull(BLOCK + "resolution")) {
            throw r.error("resolution", "required: the stored image side in pixels (--resolution)");
        }
        int resolution = r.integer("resolution", patch, 8192);
        if (resolution % patch != 0) {
            throw r.error("resolution", resolution + " is not a multiple of the patch size " + patch);
        }
        int channels = r.integer("channels", 0, 3);
        if (channels == 2) {
            throw r.error("channels", "expected 1, 3 or 0 (auto), got 2");
        }
        String filterName = r.string("filter");
        ResampleFilter filter = ResampleFilter.parse(filterName);
        if (filter == null) {
            throw r.error("filter", "expected bicubic, bilinear or box, got '" + filterName + "'");
        }
        double valFraction = r.number("val_fraction");
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw r.error("val_fraction", "expected a number in [0, 1), got " + valFraction);
        }
        String compression = r.string("compression").toLowerCase(Locale.ROOT);
        if (!List.of("zstd", "snappy", "none").contains(compression)) {
            throw r.error("compression", "expected zstd, snappy or none, got '" + compression + "'");
        }
        return new PrepareSettings(input, output, format, resolution, patch, channels, filter, valFraction,
                r.longValue("seed", Long.MIN_VALUE), r.longValue("limit", 0),
                r.longValue("shard_mb", 1) << 20, r.integer("min_shards", 0, 1 << 20), compression,
                r.longValue("max_pixels", 1), r.longValue("max_file_mb", 1) << 20,
                r.integer("skipped_examples", 0, 10_000), config.getBoolean(BLOCK + "overwrite"),
                r.optionalString("val_labels"), r.optionalString("devkit_classes"),
                List.copyOf(config.getStringList(BLOCK + "class_names")), r.integer("progress_seconds", 0, 86_400),
                r.optionalString("fail_on_key"));
    }

    /** The channels stored: as configured, or 1 for IDX and 3 for image files. */
    int channelsFor(SourceFormat detected) {
        return channels != 0 ? channels : (detected == SourceFormat.IDX ? 1 : 3);
    }

    /** Typed access to {@code prepare.*} with errors that name the key and its origin. */
    private record Reader(Config config) {
        ConfigException error(String key, String problem) {
            String path = BLOCK + key;
            String where = null;
            // getValue refuses a null value, which is what "required" keys hold by default: take its origin from the block
            if (config.hasPath(BLOCK.substring(0, BLOCK.length() - 1))
                    && config.getValue(BLOCK.substring(0, BLOCK.length() - 1)) instanceof ConfigObject block
                    && block.get(key) != null) {
                where = describe(block.get(key).origin());
            }
            return new ConfigException(where, path, problem);
        }

        private static String describe(ConfigOrigin origin) {
            if (origin == null) {
                return null;
            }
            if (origin.filename() != null) {
                return origin.lineNumber() > 0 ? origin.filename() + ":" + origin.lineNumber() : origin.filename();
            }
            return origin.description() == null ? null : origin.description().replaceFirst(": \\d+$", "");
        }

        String requiredString(String key) {
            String path = BLOCK + key;
            if (config.getIsNull(path) || config.getString(path).isBlank()) {
                throw error(key, "required (--" + key.replace("output", "out") + ")");
            }
            return config.getString(path);
        }

        String optionalString(String key) {
            String path = BLOCK + key;
            return config.getIsNull(path) ? null : config.getString(path);
        }

        String string(String key) {
            return config.getString(BLOCK + key);
        }

        long longValue(String key, long min) {
            long v;
            try {
                v = config.getLong(BLOCK + key);
            } catch (com.typesafe.config.ConfigException e) {
                throw error(key, "expected an integer");
            }
            if (v < min) {
                throw error(key, "expected at least " + min + ", got " + v);
            }
            return v;
        }

        int integer(String key, int min, int max) {
            long v = longValue(key, min);
            if (v > max) {
                throw error(key, "expected at most " + max + ", got " + v);
            }
            return (int) v;
        }

        double number(String key) {
            try {
                return config.getDouble(BLOCK + key);
            } catch (com.typesafe.config.ConfigException e) {
                throw error(key, "expected a number");
            }
        }
    }
}
