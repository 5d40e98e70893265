package io.vilspark.data.prepare;

import java.util.List;
import java.util.Locale;

import com.typesafe.config.Config;
import io.vilspark.config.Bounds;
import io.vilspark.config.SettingsBlock;
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
    static final String BLOCK = "prepare";

    public static PrepareSettings from(Config config) {
        SettingsBlock r = SettingsBlock.of(config, BLOCK);
        String input = required(r, "input");
        String output = required(r, "output");
        String formatName = r.string("format");
        SourceFormat format = null;
        if (!"auto".equals(formatName)) {
            format = SourceFormat.parse(formatName);
            if (format == null) {
                throw r.error("format", "expected imagenet, folder, idx or auto, got '" + formatName + "'");
            }
        }
        int patch = r.integer("patch", 1, 1024);
        if (r.isNull("resolution")) {
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
        double valFraction = r.number("val_fraction", Bounds.closedOpen(0, 1));
        String compression = r.string("compression").toLowerCase(Locale.ROOT);
        if (!List.of("zstd", "snappy", "none").contains(compression)) {
            throw r.error("compression", "expected zstd, snappy or none, got '" + compression + "'");
        }
        return new PrepareSettings(input, output, format, resolution, patch, channels, filter, valFraction,
                r.integral("seed", Long.MIN_VALUE, Long.MAX_VALUE), r.integral("limit", 0, Long.MAX_VALUE),
                r.integral("shard_mb", 1, 1L << 40) << 20, r.integer("min_shards", 0, 1 << 20), compression,
                r.integral("max_pixels", 1, Long.MAX_VALUE), r.integral("max_file_mb", 1, 1L << 40) << 20,
                r.integer("skipped_examples", 0, 10_000), r.bool("overwrite"),
                r.optionalString("val_labels"), r.optionalString("devkit_classes"),
                r.strings("class_names"), r.integer("progress_seconds", 0, 86_400),
                r.optionalString("fail_on_key"));
    }

    /** The channels stored: as configured, or 1 for IDX and 3 for image files. */
    int channelsFor(SourceFormat detected) {
        return channels != 0 ? channels : (detected == SourceFormat.IDX ? 1 : 3);
    }

    /** A string that must be given: the job has nothing to read or nowhere to write without it. */
    private static String required(SettingsBlock b, String key) {
        String v = b.optionalString(key);
        if (v == null || v.isBlank()) {
            throw b.error(key, "required (--" + key.replace("output", "out") + ")");
        }
        return v;
    }
}
