package io.vilspark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.InferenceFixtures.Image;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline stage over each of Spark's image representations, against the model run directly on
 * the same pixels normalised by the test: binaryFile bytes, the image data source's struct and
 * prepared shard rows give the same features; bad files give null outputs and their reason.
 */
@IntegrationTest
class ViLTransformerTest {
    @TempDir
    static Path dir;
    static TestImages images;

    @BeforeAll
    static void setUp() throws Exception {
        images = new TestImages(dir, 5);
    }

    static SparkSession spark() {
        return LocalSpark.session();
    }

    @Test
    void binaryFileContentGivesTheModelsOutputsAndBadFilesTheirReason() throws Exception {
        Dataset<Row> files = spark().read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(images.root.toString());
        ViLTransformer vil = new ViLTransformer().setModelPath(images.model).setInputCol("content").setBatchSize(3)
                .setLogitsCol("logits").setPredictionCol("class").setTopKCol("top").setTopK(2);
        SkippedCount skipped = new SkippedCount();
        spark().sparkContext().addSparkListener(skipped);
        Map<String, Row> byPath;
        try {
            byPath = images.byKey(vil.transform(files).collectAsList(), r -> r.getAs("path"));
            spark().sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark().sparkContext().removeSparkListener(skipped);
        }
        assertEquals(10, byPath.size());
        assertEquals(2, skipped.total, "the truncated file and the text file, counted in the stage's accumulator");
        for (int i = 0; i < images.exact.size(); i++) {
            Row r = byPath.get(images.exact.get(i).key());
            assertClose(images.expected.featuresOf(i), r.getAs("features"), images.exact.get(i).key());
            float[] logits = images.expected.logitsOf(i);
            assertClose(logits, r.getAs("logits"), images.exact.get(i).key());
            int best = argmax(logits);
            assertEquals(best, (double) r.getAs("class"), 0);
            List<Row> top = r.getList(r.fieldIndex("top"));
            assertEquals(2, top.size());
            assertEquals(best, top.get(0).getInt(0));
            assertEquals("class " + (char) ('A' + best), top.get(0).getString(1));
            assertTrue(top.get(0).getFloat(2) >= top.get(1).getFloat(2));
            assertNull(r.getAs("vil_skip_reason"));
        }
        assertNotNull(byPath.get(TestImages.JPEG).getAs("features"), "a larger JPEG is resized and used");
        assertBad(byPath.get(TestImages.TRUNCATED), "truncated");
        assertBad(byPath.get(TestImages.TEXT), "not_an_image");
    }

    @Test
    void theImageSourceAndShardRowsGiveTheSameFeatures() {
        Dataset<Row> decoded = spark().read().format("image").option("recursiveFileLookup", "true")
                .load(images.root.toString());
        ViLTransformer vil = new ViLTransformer().setModelPath(images.model).setBatchSize(4);
        Map<String, Row> byOrigin = images.byKey(vil.transform(decoded).collectAsList(), r -> r.getStruct(0).getString(0));
        String shards = dir.resolve("shards").toString();
        InferenceFixtures.writeSplit(shards, "val", images.exact, TestImages.SIZE, 4, 2);
        Dataset<Row> rows = spark().read().parquet(shards + "/val");
        Map<String, Row> byKey = new HashMap<>();
        for (Row r : vil.setInputCol("pixels").transform(rows).collectAsList()) {
            byKey.put(r.getAs("key"), r);
        }
        Map<String, Row> byStructKey = new HashMap<>();
        Dataset<Row> structs = rows.select(functions.struct(functions.col("*")).as("shard"));
        for (Row r : vil.setInputCol("shard").transform(structs).collectAsList()) {
            byStructKey.put(r.getStruct(0).getAs("key"), r);
        }
        for (int i = 0; i < images.exact.size(); i++) {
            String key = images.exact.get(i).key();
            assertClose(images.expected.featuresOf(i), byOrigin.get(key).getAs("features"), "image source " + key);
            assertClose(images.expected.featuresOf(i), byKey.get(key).getAs("features"), "shard row " + key);
            assertClose(images.expected.featuresOf(i), byStructKey.get(key).getAs("features"), "shard struct " + key);
        }
        assertBad(byOrigin.get(TestImages.TEXT), "not_an_image");
    }

    @Test
    void anUnusableInputColumnIsRefusedByName() {
        Dataset<Row> files = spark().read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(images.root.toString());
        ViLTransformer vil = new ViLTransformer().setModelPath(images.model).setInputCol("length");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vil.transform(files));
        assertTrue(e.getMessage().contains("inputCol 'length' is bigint"), e.getMessage());
    }

    /** The transform's skipped-inputs accumulator, summed over the stages that completed while it listened. */
    static final class SkippedCount extends SparkListener {
        volatile long total;

        @Override
        public void onStageCompleted(SparkListenerStageCompleted stage) {
            scala.collection.Iterator<AccumulableInfo> infos = stage.stageInfo().accumulables().values().iterator();
            while (infos.hasNext()) {
                AccumulableInfo info = infos.next();
                if (info.name().contains(ViLTransformer.SKIPPED_ACCUMULATOR) && info.value().isDefined()) {
                    total += ((Number) info.value().get()).longValue();
                }
            }
        }
    }

    static void assertBad(Row r, String reason) {
        assertNull(r.getAs("features"));
        assertEquals(reason, r.getAs("vil_skip_reason"));
    }

    static void assertClose(float[] expected, Vector actual, String what) {
        assertNotNull(actual, what);
        assertEquals(expected.length, actual.size(), what);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual.apply(j), 1e-5, what + " [" + j + "]");
        }
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }
}
