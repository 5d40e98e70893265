package io.vilspark.ml;

import java.io.Serializable;
import java.util.List;

import io.vilspark.config.ConfigException;
import io.vilspark.data.PatchLayout;
import io.vilspark.data.prepare.ImageFileEncoder;
import io.vilspark.data.read.PixelNormalisation;
import io.vilspark.data.read.ReadMode;
import io.vilspark.data.read.ReaderConfig;
import io.vilspark.data.read.ReaderPlan;
import io.vilspark.image.ResampleFilter;
import io.vilspark.inference.InferenceSettings;
import io.vilspark.inference.ModelRef;
import io.vilspark.model.ViLConfig;
import io.vilspark.registry.ModelMetadata;

/**
 * Everything a task needs to run images through a model, fixed on the driver (it travels in every
 * task; the model never does): the model file, its input geometry and class names, how images are
 * stored before the model's crop ({@code vil extract}'s images settings: resolution, filter,
 * limits) and the inference settings (minibatch size, threads, normalisation, crop).
 */
record ScoringPlan(ModelRef model, InferenceSettings inference, ReaderConfig reader, PixelNormalisation normalisation,
                   int channels, int height, int width, int patch, int classes, List<String> classNames,
                   int resolution, ResampleFilter filter, long maxPixels, long maxFileBytes) implements Serializable {

    /**
     * @param resolution stored side of decoded images before the model's crop; 0 = the model's input size
     * @param key        the normalisation setting's name, for messages
     */
    static ScoringPlan create(ModelRef model, ViLConfig config, ModelMetadata metadata, InferenceSettings inference,
                              int resolution, ResampleFilter filter, long maxPixels, long maxFileBytes, String key) {
        int side = resolution == 0 ? Math.max(config.height(), config.width()) : resolution;
        if (side % config.patchSize() != 0) {
            throw new ConfigException(null, "resolution", side + " is not a multiple of the model's patch size "
                    + config.patchSize());
        }
        PixelNormalisation norm = inference.pixelNormalisation(metadata, null, key);
        if (norm.channels() != config.channels()) {
            throw new ConfigException(null, key, norm.channels() + " channel(s) (" + norm + "), the model has "
                    + config.channels());
        }
        List<String> names = metadata.classNames() != null && metadata.classNames().size() == config.numClasses()
                ? List.copyOf(metadata.classNames()) : List.of();
        // the reader's settings are read once here, not per minibatch on the executors
        ReaderConfig reader = ReaderConfig.defaults().withBatchSize(inference.batchSize())
                .withEvalCropPct(inference.cropPct());
        return new ScoringPlan(model, inference, reader, norm, config.channels(), config.height(), config.width(),
                config.patchSize(), config.numClasses(), names, side, filter, maxPixels, maxFileBytes);
    }

    /** Prepare's encoder at this plan's stored size. */
    ImageFileEncoder encoder() {
        return new ImageFileEncoder(resolution, patch, channels, filter, maxPixels, maxFileBytes);
    }

    /** The reader's evaluation plan for records stored as {@code stored} (unlabelled). */
    ReaderPlan readerPlan(PatchLayout stored) {
        return new ReaderPlan(stored.channels(), stored.gridH(), stored.gridW(), stored.patch(), 0, 1, height, width,
                normalisation, reader, ReadMode.EVAL, 0);
    }

    /** The name of class {@code c}, or null when the model file has no class names. */
    String className(int c) {
        return classNames.isEmpty() ? null : classNames.get(c);
    }
}
