package io.vilspark.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.data.PatchShardSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Test datasets written the way the contract says, independently of the prepare job: uint8 images
 * cut with {@link PatchLayout}, written by Spark as Parquet, plus a manifest.
 */
public final class TestShards {
    public static final List<Double> MEAN3 = List.of(0.31, 0.42, 0.53);
    public static final List<Double> STD3 = List.of(0.21, 0.25, 0.29);
    public static final List<Double> MEAN1 = List.of(0.286);
    public static final List<Double> STD1 = List.of(0.353);

    private TestShards() {
    }

    /** A labelled image: its key, label and CHW bytes. */
    public record Image(String key, int label, byte[] chw) {
    }

    public static byte[] randomImage(int channels, int height, int width, Random random) {
        byte[] b = new byte[channels * height * width];
        random.nextBytes(b);
        return b;
    }

    public static List<Image> randomImages(int count, int channels, int size, int classes, long seed) {
        Random random = new Random(seed);
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new Image("train/" + i, i % classes, randomImage(channels, size, size, random)));
        }
        return out;
    }

    public static Row row(Image image, PatchLayout layout) {
        return RowFactory.create(image.key(), image.label(), layout.gridH(), layout.gridW(), layout.patch(),
                layout.channels(), layout.toPatches(image.chw()));
    }

    /** Writes the images as {@code files} Parquet files under {@code <root>/<split>} (order kept within files). */
    public static void writeSplit(Path root, String split, List<Image> images, PatchLayout layout, int files) {
        List<Row> rows = images.stream().map(i -> row(i, layout)).toList();
        writeRows(root, split, rows, PatchShardSchema.SCHEMA, files);
    }

    public static void writeRows(Path root, String split, List<Row> rows, StructType schema, int files) {
        LocalSpark.session().createDataFrame(rows, schema).coalesce(1).repartition(files).sortWithinPartitions("key")
                .write().mode("overwrite").parquet(root.resolve(split).toString());
    }

    public static DatasetManifest manifest(int classes, int size, int patch, int channels, List<Double> mean, List<Double> std,
                                    long trainRows, long valRows) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add(String.format("class%02d", i));
        }
        return new DatasetManifest(DatasetManifest.FORMAT_VERSION, names, size, size, patch, channels, mean, std,
                Map.of("train", trainRows, "val", valRows), Map.of(), Map.of(), Map.of("source", "test"));
    }

    public static void writeManifest(Path root, DatasetManifest m) throws IOException {
        m.write(root.toString(), new Configuration());
    }

    /** The reference normalisation, computed independently of the reader: (p / 255 - mean) / std, rounded once. */
    public static float normalised(int pixel, double mean, double std) {
        return (float) ((pixel / 255.0 - mean) / std);
    }
}
