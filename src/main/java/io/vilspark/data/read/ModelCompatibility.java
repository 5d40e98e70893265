package io.vilspark.data.read;

import java.util.ArrayList;
import java.util.List;

import io.vilspark.data.DatasetManifest;
import io.vilspark.model.ViLConfig;

/**
 * Whether a prepared dataset can feed a model: same channels, same patch size, as many classes
 * (when the dataset is labelled), and stored images at least as large as the model's input (the
 * reader crops or scales down; scaling up a smaller dataset is almost always a mistake in
 * {@code prepare --resolution}).
 */
public final class ModelCompatibility {
    private ModelCompatibility() {
    }

    /** Throws {@link ShardDataException} naming every property that differs. */
    public static void checkCompatible(DatasetManifest manifest, ViLConfig model) {
        checkCompatible(manifest, model, "dataset");
    }

    /** As {@link #checkCompatible(DatasetManifest, ViLConfig)}, the message starting with {@code datasetName}. */
    public static void checkCompatible(DatasetManifest manifest, ViLConfig model, String datasetName) {
        List<String> problems = differences(manifest, model);
        if (!problems.isEmpty()) {
            throw new ShardDataException(datasetName + " does not fit the model: " + String.join("; ", problems));
        }
    }

    /** Every difference as a phrase, empty when the dataset fits. */
    public static List<String> differences(DatasetManifest m, ViLConfig model) {
        List<String> problems = new ArrayList<>();
        if (m.channels() != model.channels()) {
            problems.add("channels: dataset " + m.channels() + ", model input_shape " + model.channels());
        }
        if (m.patch() != model.patchSize()) {
            problems.add("patch: dataset " + m.patch() + ", model patch_size " + model.patchSize());
        }
        if (!m.classes().isEmpty() && m.classes().size() != model.numClasses()) {
            problems.add("classes: dataset " + m.classes().size() + ", model num_classes " + model.numClasses());
        }
        if (m.height() < model.height() || m.width() < model.width()) {
            problems.add("resolution: dataset stores " + m.height() + "x" + m.width() + " images, smaller than the model's "
                    + model.height() + "x" + model.width() + " input (prepare with --resolution "
                    + Math.max(model.height(), model.width()) + " or more)");
        }
        return problems;
    }
}
