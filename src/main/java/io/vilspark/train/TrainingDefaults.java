package io.vilspark.train;

import java.util.List;

import com.typesafe.config.Config;
import io.vilspark.config.JobConfig;

/** The defaults of a training job, {@code conf/jobs/train.conf}: every key a recipe may set. */
final class TrainingDefaults {
    /** Keys that hold real numbers, whole as their defaults may be ({@link JobConfig#withRealNumbers}). */
    private static final List<String> REAL_NUMBERS =
            List.of("lr", "warmup_epochs", "end_lr", "weight_decay", "eps", "grad_clip");

    private TrainingDefaults() {
    }

    static Config load() {
        List<String> paths = REAL_NUMBERS.stream().map(k -> TrainingRecipe.SECTION + "." + k).toList();
        return JobConfig.withRealNumbers(JobConfig.defaults(TrainingRecipe.DEFAULTS_RESOURCE), paths);
    }
}
