package io.vilspark.data.read;

import java.io.Serializable;
import java.util.Iterator;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.model.ViLConfig;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Everything an executor needs to turn a partition's rows into minibatches, and nothing more (it
 * travels inside Spark tasks): the stored geometry from the manifest, the model's input size and
 * class count, the normalisation, the reader settings, the mode and the epoch.
 *
 * @param datasetClasses classes the manifest lists (0 for an unlabelled dataset)
 * @param classes        width of the label rows: the model's number of classes
 */
public record ReaderPlan(int channels, int gridH, int gridW, int patch, int datasetClasses, int classes, int height,
                         int width, PixelNormalisation normalisation, ReaderConfig config, ReadMode mode, int epoch)
        implements Serializable {

    /**
     * The plan for reading a dataset into {@code model}; refuses a dataset that does not fit the
     * model ({@link ModelCompatibility}) or a normalisation with the wrong number of channels.
     */
    public static ReaderPlan create(DatasetManifest manifest, ViLConfig model, ReaderConfig config, ReadMode mode,
                                    int epoch, String datasetName) {
        ModelCompatibility.checkCompatible(manifest, model, datasetName);
        PixelNormalisation normalisation = config.normalisationFor(manifest);
        if (normalisation.channels() != model.channels()) {
            throw new ShardDataException(datasetName + ": normalisation '" + config.normalisation() + "' has "
                    + normalisation.channels() + " channel(s) (" + normalisation + "), the model has " + model.channels());
        }
        return new ReaderPlan(manifest.channels(), manifest.gridH(), manifest.gridW(), manifest.patch(),
                manifest.classes().size(), model.numClasses(), model.height(), model.width(), normalisation, config,
                mode, epoch);
    }

    /** The same plan for another epoch (new shuffle and augmentation draws). */
    public ReaderPlan forEpoch(int e) {
        return new ReaderPlan(channels, gridH, gridW, patch, datasetClasses, classes, height, width, normalisation,
                config, mode, e);
    }

    /** Minibatches of one partition's shard records (seeded by seed, epoch and {@code partition}). */
    public Iterator<DataSet> batches(Iterator<ShardRecord> records, int partition) {
        return new MinibatchIterator(records, this, partition);
    }

    /**
     * Minibatches of one partition's rows, selected as the contract columns in schema order
     * ({@code key, label, grid_h, grid_w, patch, channels, pixels}), optionally followed by the
     * source file name. What {@link ShardDatasets} runs in {@code mapPartitions}.
     */
    public Iterator<DataSet> batchesOfRows(Iterator<Row> rows, int partition) {
        return batches(new MappedIterator<>(rows, ShardRecord::fromRow), partition);
    }

    PatchLayout storedLayout() {
        return new PatchLayout(channels, gridH, gridW, patch);
    }

    ImageTransform transform() {
        int storedH = gridH * patch;
        int storedW = gridW * patch;
        if (mode == ReadMode.TRAIN) {
            return new TrainTransform(config.augment(), storedH, storedW, height, width, config.evalCropPct());
        }
        return new EvalTransform(storedH, storedW, height, width, config.evalCropPct());
    }
}
