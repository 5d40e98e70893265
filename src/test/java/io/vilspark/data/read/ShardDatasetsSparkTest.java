package io.vilspark.data.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import io.vilspark.data.PatchLayout;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.InMemoryShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TestShards;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The Spark path: executors read the Parquet files and build the minibatches; only small
 * summaries (keys, labels, checksums) come back to the driver in these tests.
 */
@IntegrationTest
class ShardDatasetsSparkTest {
    private static final int SIZE = 8;
    private static final int CLASSES = 5;

    @TempDir
    static Path root;
    static ViLConfig model;

    @BeforeAll
    static void writeDataset() throws IOException {
        PatchLayout layout = new PatchLayout(3, 2, 2, 4);
        List<TestShards.Image> images = TestShards.randomImages(57, 3, SIZE, CLASSES, 21);
        TestShards.writeSplit(root, "train", images.subList(0, 40), layout, 4);
        TestShards.writeSplit(root, "val", images.subList(40, 57), layout, 3);
        TestShards.writeManifest(root, TestShards.manifest(CLASSES, SIZE, 4, 3, TestShards.MEAN3, TestShards.STD3, 40, 17));
        model = ViLConfig.builder().dim(8).depth(1).patchSize(4).inputShape(3, SIZE, SIZE).numClasses(CLASSES).build();
    }

    /** key, label index and a checksum of the image: what identifies one example of a minibatch. */
    static List<String> summaries(DataSet ds) {
        List<String> out = new ArrayList<>();
        List<String> keys = ds.getExampleMetaData(String.class);
        for (int b = 0; b < keys.size(); b++) {
            int label = ds.getLabels().getRow(b).argMax().getInt(0);
            out.add(keys.get(b) + "|" + label + "|" + Arrays.hashCode(InMemoryShards.image(ds, b)));
        }
        return out;
    }

    static JavaRDD<DataSet> read(String split, ReaderConfig config, ReadMode mode, int epoch) throws IOException {
        return ShardDatasets.read(LocalSpark.session(), root.toString(), split, model, config, mode, epoch);
    }

    @Test
    void theRddHoldsExactlyWhatTheLocalIteratorReads() throws IOException {
        ReaderConfig config = ReaderConfig.defaults().withBatchSize(4);
        JavaRDD<DataSet> rdd = read("val", config, ReadMode.EVAL, 0);
        assertTrue(rdd.getNumPartitions() > 1, rdd.getNumPartitions() + " partitions");
        SparkSession spark = LocalSpark.session();
        LongAccumulator converted = spark.sparkContext().longAccumulator("images converted on executors");
        List<String> fromSpark = rdd.flatMap(ds -> {
            converted.add(ds.numExamples());
            return summaries(ds).iterator();
        }).collect();
        assertEquals(17, converted.value());
        List<String> local = new ArrayList<>();
        try (ShardDataSetIterator it = ShardDataSetIterator.open(root.toString(), "val", model, config, ReadMode.EVAL, 0,
                new Configuration())) {
            it.forEachRemaining(ds -> local.addAll(summaries(ds)));
        }
        assertEquals(17, local.size());
        assertEquals(local.stream().sorted().toList(), fromSpark.stream().sorted().toList());
    }

    @Test
    void thePartitionFunctionTakesRowsAsAnyDataFrameHoldsThem() throws IOException {
        // columns reordered and an extra one: found by name
        ReaderConfig config = ReaderConfig.defaults().withBatchSize(5);
        ReaderPlan plan = ReaderPlan.create(io.vilspark.data.DatasetManifest.read(root.toString(), new Configuration()),
                model, config, ReadMode.EVAL, 0, root.toString());
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df = LocalSpark.session().read()
                .parquet(root.resolve("val").toString());
        df = df.select(df.col("pixels"), org.apache.spark.sql.functions.lit(7).as("extra"), df.col("channels"),
                df.col("patch"), df.col("grid_w"), df.col("grid_h"), df.col("label"), df.col("key"));
        List<String> fromRows = df.javaRDD().mapPartitionsWithIndex(new ShardPartitionFunction(plan), false)
                .flatMap(ds -> summaries(ds).iterator()).collect();
        List<String> viaReader = read("val", config, ReadMode.EVAL, 0).flatMap(ds -> summaries(ds).iterator()).collect();
        assertEquals(17, fromRows.size());
        assertEquals(viaReader.stream().sorted().toList(), fromRows.stream().sorted().toList());
    }

    @Test
    void eachPartitionsBatchesAreFullExceptItsLast() throws IOException {
        List<List<Integer>> sizes = read("train", ReaderConfig.defaults().withBatchSize(3)
                .withAugment(AugmentationConfig.FLIP_ONLY), ReadMode.TRAIN, 0)
                .mapPartitions((Iterator<DataSet> it) -> {
                    List<Integer> s = new ArrayList<>();
                    it.forEachRemaining(ds -> s.add(ds.numExamples()));
                    return List.of(s).iterator();
                }).collect();
        int total = 0;
        for (List<Integer> partition : sizes) {
            for (int i = 0; i < partition.size(); i++) {
                assertTrue(i == partition.size() - 1 ? partition.get(i) >= 1 && partition.get(i) <= 3 : partition.get(i) == 3,
                        sizes.toString());
                total += partition.get(i);
            }
        }
        assertEquals(40, total);
        assertTrue(sizes.size() > 1);
    }

    @Test
    void trainingReadsAreShuffledReproduciblyPerEpoch() throws IOException {
        ReaderConfig config = ReaderConfig.defaults().withBatchSize(8).withAugment(AugmentationConfig.REFERENCE).withSeed(17);
        List<String> first = read("train", config, ReadMode.TRAIN, 0).flatMap(ds -> summaries(ds).iterator()).collect();
        List<String> again = read("train", config, ReadMode.TRAIN, 0).flatMap(ds -> summaries(ds).iterator()).collect();
        List<String> next = read("train", config, ReadMode.TRAIN, 1).flatMap(ds -> summaries(ds).iterator()).collect();
        assertEquals(40, first.size());
        assertEquals(first, again, "same seed and epoch: the same order, augmentation and mixing");
        assertNotEquals(keys(first), keys(next), "another epoch: another order");
        assertEquals(keys(first).stream().sorted().toList(), keys(next).stream().sorted().toList());
        List<String> otherSeed = read("train", config.withSeed(18), ReadMode.TRAIN, 0)
                .flatMap(ds -> summaries(ds).iterator()).collect();
        assertNotEquals(first, otherSeed);
    }

    private static List<String> keys(List<String> summaries) {
        return summaries.stream().map(s -> s.substring(0, s.indexOf('|'))).toList();
    }
}
