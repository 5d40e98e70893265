package io.vilspark.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.data.PatchShardSchema;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared by the evaluate, extract and CLI tests: a tiny RGB model written as a model file, shard
 * datasets written the way the shard schema says (independently of the prepare job), the tests' Spark, and
 * the images as the model sees them, normalised here without the reader.
 */
public final class InferenceFixtures {
    public static final List<Double> MEAN = List.of(0.45, 0.40, 0.35);
    public static final List<Double> STD = List.of(0.25, 0.24, 0.23);

    private InferenceFixtures() {
    }

    /** A ViL small enough for tests: RGB {@code size x size}, patch 4, dim 8, one block pair. */
    public static ViLConfig tinyRgb(int size, int classes) {
        return ViLConfig.builder().dim(8).depth(1).patchSize(4).inputShape(3, size, size).numClasses(classes).build();
    }

    public static List<String> classNames(int classes) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add("class " + (char) ('A' + i));
        }
        return names;
    }

    /** Writes a freshly initialised model (seeded) with {@link #MEAN}/{@link #STD} and class names. */
    public static ViLModel writeModel(String file, ViLConfig config, long seed) throws IOException {
        ViLModel model = ViLModel.create(config, seed);
        writeModel(file, model);
        return model;
    }

    public static void writeModel(String file, ViLModel model) throws IOException {
        ViLConfig c = model.config();
        ModelFile.write(file, model, new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.VERSION,
                c.toReferenceArguments(), MEAN, STD, classNames(c.numClasses()), Map.of("source", "test")), false,
                new Configuration());
    }

    /** A labelled (or, with label -1, unlabelled) CHW uint8 image. */
    public record Image(String key, int label, byte[] chw) {
    }

    public static List<Image> randomImages(String prefix, int count, int size, int classes, long seed) {
        Random random = new Random(seed);
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] chw = new byte[3 * size * size];
            random.nextBytes(chw);
            out.add(new Image(String.format("%s/%04d", prefix, i), i % classes, chw));
        }
        return out;
    }

    /** {@code <root>/<split>} as {@code files} Parquet files of shard rows. */
    public static void writeSplit(String root, String split, List<Image> images, int size, int patch, int files) {
        PatchLayout layout = new PatchLayout(3, size / patch, size / patch, patch);
        List<Row> rows = new ArrayList<>();
        for (Image i : images) {
            rows.add(RowFactory.create(i.key(), i.label(), layout.gridH(), layout.gridW(), patch, 3,
                    layout.toPatches(i.chw())));
        }
        LocalSpark.session().createDataFrame(rows, PatchShardSchema.SCHEMA).coalesce(1).repartition(files).sortWithinPartitions("key")
                .write().mode("overwrite").parquet(new Path(root, split).toString());
    }

    public static void writeManifest(String root, int classes, int size, int patch, Map<String, Long> rows)
            throws IOException {
        new DatasetManifest(DatasetManifest.FORMAT_VERSION, classNames(classes), size, size, patch, 3, MEAN, STD, rows,
                Map.of(), Map.of(), Map.of("source", "test")).write(root, new Configuration());
    }

    /** The images normalised as the model expects, {@code [N, 3, size, size]}: (p / 255 - mean) / std, rounded once. */
    public static INDArray normalised(List<Image> images, int size) {
        int plane = size * size;
        float[] data = new float[images.size() * 3 * plane];
        for (int n = 0; n < images.size(); n++) {
            byte[] chw = images.get(n).chw();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    int p = chw[c * plane + i] & 0xFF;
                    data[(n * 3 + c) * plane + i] = (float) ((p / 255.0 - MEAN.get(c)) / STD.get(c));
                }
            }
        }
        return Nd4j.create(data, new long[] {images.size(), 3, size, size}, 'c').castTo(DataType.FLOAT);
    }
}
