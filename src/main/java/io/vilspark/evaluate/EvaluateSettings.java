package io.vilspark.evaluate;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.vilspark.config.SettingsBlock;
import io.vilspark.config.JobConfig;
import io.vilspark.inference.InferenceSettings;

/**
 * The validated {@code evaluate} block (defaults in {@code conf/jobs/evaluate.conf}).
 *
 * @param split null: {@code test} when the dataset has that split, else {@code val}
 */
public record EvaluateSettings(String split, InferenceSettings inference, int topK, int progressSeconds) {
    public static final String DEFAULTS = "jobs/evaluate.conf";
    static final String BLOCK = "evaluate";

    /** The defaults, then the user's file, then {@code evaluate.KEY=VALUE} overrides. */
    public static EvaluateSettings load(Optional<Path> file, List<String> overrides) {
        SettingsBlock b = SettingsBlock.of(JobConfig.load(DEFAULTS, file, overrides), BLOCK);
        return new EvaluateSettings(b.optionalString("split"), InferenceSettings.from(b), b.integer("top_k", 1, 1 << 20),
                b.integer("progress_seconds", 0, 86_400));
    }
}
