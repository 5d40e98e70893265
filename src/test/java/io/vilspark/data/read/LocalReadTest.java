package io.vilspark.data.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.TestShards;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** The evaluation path read without Spark: exact pixels, one-hot labels, batch sizes, keys. */
class LocalReadTest {
    private static final int SIZE = 12;
    private static final int PATCH = 4;
    private static final int CLASSES = 5;
    private static final int IMAGES = 23;

    @TempDir
    static Path root;
    static List<TestShards.Image> images;
    static ViLConfig model;

    @BeforeAll
    static void writeDataset() throws IOException {
        PatchLayout layout = new PatchLayout(3, SIZE / PATCH, SIZE / PATCH, PATCH);
        images = TestShards.randomImages(IMAGES, 3, SIZE, CLASSES, 7);
        TestShards.writeSplit(root, "val", images, layout, 3);
        TestShards.writeManifest(root, TestShards.manifest(CLASSES, SIZE, PATCH, 3, TestShards.MEAN3, TestShards.STD3, 0, IMAGES));
        model = ViLConfig.builder().dim(8).depth(1).patchSize(PATCH).inputShape(3, SIZE, SIZE).numClasses(CLASSES).build();
    }

    static List<DataSet> readAll(ReaderConfig config) throws IOException {
        List<DataSet> out = new ArrayList<>();
        try (ShardDataSetIterator it = ShardDataSetIterator.open(root.toString(), "val", model, config, ReadMode.EVAL, 0,
                new Configuration())) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void featuresAreTheNormalisedImagesExactlyInNchw() throws IOException {
        Map<String, TestShards.Image> byKey = new HashMap<>();
        images.forEach(i -> byKey.put(i.key(), i));
        int seen = 0;
        for (DataSet ds : readAll(ReaderConfig.defaults().withBatchSize(8))) {
            INDArray x = ds.getFeatures();
            assertEquals(DataType.FLOAT, x.dataType());
            List<String> keys = ds.getExampleMetaData(String.class);
            for (int b = 0; b < keys.size(); b++) {
                byte[] chw = byKey.get(keys.get(b)).chw();
                float[] expected = new float[chw.length];
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < SIZE * SIZE; i++) {
                        expected[c * SIZE * SIZE + i] = TestShards.normalised(chw[c * SIZE * SIZE + i] & 0xFF,
                                TestShards.MEAN3.get(c), TestShards.STD3.get(c));
                    }
                }
                float[] actual = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b)).dup('c').data().asFloat();
                assertArrayEquals(expected, actual, 0f, "image " + keys.get(b));
                seen++;
            }
        }
        assertEquals(IMAGES, seen);
    }

    @Test
    void labelsAreOneHotRowsOfTheModelsClassCount() throws IOException {
        Map<String, Integer> labelOf = new HashMap<>();
        images.forEach(i -> labelOf.put(i.key(), i.label()));
        for (DataSet ds : readAll(ReaderConfig.defaults().withBatchSize(8))) {
            INDArray y = ds.getLabels();
            assertEquals(CLASSES, y.size(1));
            List<String> keys = ds.getExampleMetaData(String.class);
            for (int b = 0; b < keys.size(); b++) {
                for (int k = 0; k < CLASSES; k++) {
                    assertEquals(k == labelOf.get(keys.get(b)) ? 1f : 0f, y.getFloat(b, k), keys.get(b) + " class " + k);
                }
            }
        }
    }

    @Test
    void minibatchesHaveTheConfiguredSizeAndTheLastHoldsTheRest() throws IOException {
        List<DataSet> batches = readAll(ReaderConfig.defaults().withBatchSize(10));
        assertEquals(List.of(10, 10, 3), batches.stream().map(DataSet::numExamples).toList());
        for (DataSet ds : batches) {
            assertArrayEquals(new long[] {ds.numExamples(), 3, SIZE, SIZE}, ds.getFeatures().shape());
            assertArrayEquals(new long[] {ds.numExamples(), CLASSES}, ds.getLabels().shape());
        }
        assertEquals(List.of(23), readAll(ReaderConfig.defaults().withBatchSize(64)).stream().map(DataSet::numExamples).toList());
    }

    @Test
    void keysComeBackOnceEachInFileOrder() throws IOException {
        List<String> keys = new ArrayList<>();
        readAll(ReaderConfig.defaults().withBatchSize(4)).forEach(ds -> keys.addAll(ds.getExampleMetaData(String.class)));
        assertEquals(IMAGES, keys.size());
        assertEquals(IMAGES, keys.stream().distinct().count());
        // a second pass (reset) gives the same order
        try (ShardDataSetIterator it = ShardDataSetIterator.open(root.toString(), "val", model,
                ReaderConfig.defaults().withBatchSize(4), ReadMode.EVAL, 0, new Configuration())) {
            it.forEachRemaining(ds -> { });
            it.reset();
            List<String> again = new ArrayList<>();
            it.forEachRemaining(ds -> again.addAll(ds.getExampleMetaData(String.class)));
            assertEquals(keys, again);
            assertEquals(3 * SIZE * SIZE, it.inputColumns());
            assertEquals(CLASSES, it.totalOutcomes());
            assertEquals(5, it.getLabels().size());
        }
    }

    @Test
    void givenNormalisationReplacesTheManifests() throws IOException {
        List<Double> mean = List.of(0.485, 0.456, 0.406);
        List<Double> std = List.of(0.229, 0.224, 0.225);
        DataSet first = readAll(ReaderConfig.defaults().withBatchSize(1).withImagenetNormalisation()).get(0);
        DataSet given = readAll(ReaderConfig.defaults().withBatchSize(1).withNormalisation(mean, std)).get(0);
        assertEquals(first.getFeatures(), given.getFeatures());
        String key = first.getExampleMetaData(String.class).get(0);
        byte[] chw = images.stream().filter(i -> i.key().equals(key)).findFirst().orElseThrow().chw();
        assertEquals(TestShards.normalised(chw[0] & 0xFF, 0.485, 0.229), first.getFeatures().getFloat(0, 0, 0, 0), 0f);
        assertTrue(DatasetManifest.FILE_NAME.startsWith("_"));
    }
}
