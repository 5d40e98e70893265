package io.vilspark.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.data.PatchShardSchema;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A drawn dataset in the shard format, for benchmarks without real images: smooth colour ramps
 * with pixel noise (so compression works about as hard as on photos), drawn on the executors.
 */
public final class SyntheticShards {
    public static final int CLASSES = 10;

    private SyntheticShards() {
    }

    /** Writes {@code <root>/train} ({@code images} rows in {@code files} files, 10 classes) and the manifest. */
    public static DatasetManifest write(SparkSession spark, String root, int images, int channels, int resolution, int patch,
                                 int files) throws IOException {
        return write(spark, root, images, channels, resolution, patch, files, CLASSES);
    }

    /** As above with {@code classes} classes (labels {@code index % classes}). */
    public static DatasetManifest write(SparkSession spark, String root, int images, int channels, int resolution, int patch,
                                 int files, int classes) throws IOException {
        int grid = resolution / patch;
        List<Integer> indices = IntStream.range(0, images).boxed().toList();
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(new ArrayList<>(indices), files)
                .map(i -> RowFactory.create("train/" + i, i % classes, grid, grid, patch, channels,
                        drawn(i, channels, resolution, new PatchLayout(channels, grid, grid, patch))));
        spark.createDataFrame(rows, PatchShardSchema.SCHEMA).write().mode("overwrite")
                .option("compression", "zstd").parquet(new Path(root, "train").toString());
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add("class" + k);
        }
        List<Double> mean = Collections.nCopies(channels, 0.5);
        List<Double> std = Collections.nCopies(channels, 0.25);
        DatasetManifest m = new DatasetManifest(DatasetManifest.FORMAT_VERSION, names, resolution, resolution, patch,
                channels, mean, std, Map.of("train", (long) images, "val", 0L), Map.of(), Map.of(),
                Map.of("source", "synthetic (vil bench-data read, vil bench-train)"));
        m.write(root, spark.sparkContext().hadoopConfiguration());
        return m;
    }

    private static byte[] drawn(int index, int channels, int size, PatchLayout layout) {
        SplittableRandom rng = new SplittableRandom(index);
        byte[] chw = new byte[channels * size * size];
        for (int c = 0; c < channels; c++) {
            double fx = rng.nextDouble() * 200 / size;
            double fy = rng.nextDouble() * 200 / size;
            int base = rng.nextInt(56);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int v = base + (int) (fx * x + fy * y) + rng.nextInt(24);
                    chw[(c * size + y) * size + x] = (byte) Math.min(255, v);
                }
            }
        }
        return layout.toPatches(chw);
    }
}
