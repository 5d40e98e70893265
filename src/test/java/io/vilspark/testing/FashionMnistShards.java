package io.vilspark.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.vilspark.config.JobConfig;
import io.vilspark.data.prepare.PrepareJob;
import io.vilspark.data.prepare.PrepareSettings;
import org.apache.spark.sql.SparkSession;

/** Training data for the train tests: a slice of Debian's Fashion-MNIST through the real prepare job. */
public final class FashionMnistShards {
    public static final Path SOURCE = Path.of("/usr/share/datasets/fashion-mnist");

    /** The demo recipe made small and fast: the same pipeline, a tiny model, few images. */
    public static final List<String> SMALL_RECIPE = List.of("model.dim=16", "model.depth=1", "train.epochs=2",
            "train.global_batch=32", "train.averaging_frequency=2", "train.warmup_epochs=0.5");

    private FashionMnistShards() {
    }

    /** Skips the calling test when the Debian package is missing (.ci/run installs it). */
    public static void assumeInstalled() {
        assumeTrue(Files.isDirectory(SOURCE), "needs the Debian package dataset-fashion-mnist (.ci/run installs it)");
    }

    /** The first {@code limit} images of each split at 28x28, patch 4, written to {@code out} (any Hadoop path). */
    public static String prepare(SparkSession spark, String out, int limit) throws Exception {
        assumeInstalled();
        PrepareJob.run(spark, PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS, Optional.empty(), List.of(
                "prepare.input=\"" + SOURCE + "\"", "prepare.output=\"" + out + "\"", "prepare.resolution=28",
                "prepare.patch=4", "prepare.limit=" + limit, "prepare.progress_seconds=0"))), null);
        return out;
    }
}
