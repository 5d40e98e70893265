package io.vilspark.inference;

import java.io.Serializable;
import java.util.List;

import io.vilspark.config.ConfigException;
import io.vilspark.config.Bounds;
import io.vilspark.config.SettingsBlock;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.read.PixelNormalisation;
import io.vilspark.registry.ModelMetadata;
import org.apache.spark.TaskContext;

/**
 * How a job runs its model on the executors; the same keys in {@code conf/jobs/evaluate.conf} and
 * {@code conf/jobs/extract.conf}.
 *
 * @param batchSize      images per forward pass
 * @param threadsPerTask native threads (OpenMP, ND4J ops, BLAS) each running task computes with; 0 = the
 *                       task's share of the executor's cores ({@code spark.task.cpus}, 1 by default), so an
 *                       executor runs one inference per core without oversubscription
 * @param normalisation  {@code model} (the model file's mean/std), {@code manifest}, {@code imagenet} or {@code given}
 * @param cropPct        stored images larger than the model input: resized to floor(size / crop_pct), centre crop
 */
public record InferenceSettings(int batchSize, int threadsPerTask, String normalisation, List<Double> mean,
                                List<Double> std, double cropPct) implements Serializable {
    public static final List<String> NORMALISATIONS = List.of("model", "manifest", "imagenet", "given");

    public static InferenceSettings from(SettingsBlock b) {
        String normalisation = b.choice("normalisation", NORMALISATIONS);
        List<Double> mean = b.numbers("mean");
        List<Double> std = b.numbers("std");
        if (normalisation.equals("given")) {
            PixelNormalisation.checkGiven(b, mean, std);
        }
        return new InferenceSettings(b.integer("batch_size", 1, 1 << 16), b.integer("threads_per_task", 0, 1024),
                normalisation, mean, std, b.number("crop_pct", Bounds.openClosed(0, 1)));
    }

    /**
     * The pixel statistics the model's inputs are normalised with.
     *
     * @param manifest the dataset's manifest, null when reading images directly
     * @param key      the setting's full name, for messages
     */
    public PixelNormalisation pixelNormalisation(ModelMetadata model, DatasetManifest manifest, String key) {
        return switch (normalisation) {
            case "model" -> {
                if (model.mean() != null && !model.mean().isEmpty()) {
                    yield new PixelNormalisation(model.mean(), model.std());
                }
                if (manifest == null) {
                    throw new ConfigException(null, key, "model, but the model file records no mean/std: set it to "
                            + "imagenet or given");
                }
                yield PixelNormalisation.of(manifest);
            }
            case "manifest" -> {
                if (manifest == null) {
                    throw new ConfigException(null, key, "manifest needs prepared shards (images have no manifest)");
                }
                yield PixelNormalisation.of(manifest);
            }
            case "imagenet" -> PixelNormalisation.imagenet();
            default -> new PixelNormalisation(mean, std);
        };
    }

    /**
     * Sets this task's threads (each minibatch split over them, see {@link NativeThreads#splitBatches});
     * returns the count used. Call on the executor, in the task.
     */
    public int applyThreads() {
        int threads = threadsPerTask;
        if (threads == 0) {
            TaskContext task = TaskContext.get();
            threads = task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
        }
        NativeThreads.splitBatches(threads);
        return threads;
    }

    /** "threads per task: 1 (spark.task.cpus)" style description for logs and benchmarks. */
    public String describeThreads() {
        return threadsPerTask == 0 ? "spark.task.cpus per task" : threadsPerTask + " per task";
    }
}
