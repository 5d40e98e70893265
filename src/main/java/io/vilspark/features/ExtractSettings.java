package io.vilspark.features;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.vilspark.config.SettingsBlock;
import io.vilspark.config.JobConfig;
import io.vilspark.image.ResampleFilter;
import io.vilspark.inference.InferenceSettings;

/**
 * The validated {@code extract} block (defaults and every key explained in {@code conf/jobs/extract.conf}).
 *
 * @param format     {@code shards}, {@code images} or {@code auto}
 * @param splits     shards: the split folders to extract; empty = all
 * @param resolution images: stored side before the model's crop; 0 = the model's input size
 * @param failOnKey  testing: the key at which a crash is injected, or null
 * @param failHalt   testing: the injected crash stops the JVM at once instead of failing the task
 */
public record ExtractSettings(String format, List<String> splits, boolean logits, int topK,
                              InferenceSettings inference, int resolution, ResampleFilter filter, long maxPixels,
                              long maxFileBytes, int imagesPerPartition, String compression, int progressSeconds,
                              int skippedExamples, boolean overwrite, String failOnKey, boolean failHalt)
        implements Serializable {
    public static final String DEFAULTS = "jobs/extract.conf";
    static final String BLOCK = "extract";

    /** The defaults, then the user's file, then {@code extract.KEY=VALUE} overrides. */
    public static ExtractSettings load(Optional<Path> file, List<String> overrides) {
        SettingsBlock b = SettingsBlock.of(JobConfig.load(DEFAULTS, file, overrides), BLOCK);
        ResampleFilter filter = ResampleFilter.parse(b.string("filter"));
        if (filter == null) {
            throw b.error("filter", "expected bicubic, bilinear or box, got '" + b.string("filter") + "'");
        }
        List<String> splits = b.strings("splits");
        return new ExtractSettings(b.choice("format", List.of("auto", "shards", "images")), splits, b.bool("logits"),
                b.integer("top_k", 0, 1 << 20), InferenceSettings.from(b), b.integer("resolution", 0, 8192), filter,
                b.integral("max_pixels", 1, Long.MAX_VALUE), b.integral("max_file_mb", 1, 1 << 20) << 20,
                b.integer("images_per_partition", 1, 100_000_000),
                b.choice("compression", List.of("zstd", "snappy", "none")).toLowerCase(Locale.ROOT),
                b.integer("progress_seconds", 0, 86_400), b.integer("skipped_examples", 0, 10_000), b.bool("overwrite"),
                b.optionalString("fail_on_key"), b.choice("fail_mode", List.of("throw", "halt")).equals("halt"));
    }
}
