package io.vilspark.data.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vilspark.config.ModelConfigs;
import io.vilspark.data.PatchLayout;
import io.vilspark.interop.StateDictFiles;
import io.vilspark.interop.TensorArrays;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import io.vilspark.testing.ReferenceFiles;
import io.vilspark.testing.TestShards;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The golden model case {@code tiny_rgb32} (reference weights) on 8-bit images: read back from
 * shards through the evaluation path, the model gives exactly the logits it gives on the same
 * images normalised directly, so the reader's pixel order and normalisation are the model's.
 */
class GoldenCaseReadTest {
    private static final Path CASE = ReferenceFiles.file("tiny_rgb32");

    @TempDir
    Path root;

    @Test
    void logitsFromShardsEqualLogitsFromTheSameImagesNormalisedDirectly() throws IOException {
        ViLConfig config = ModelConfigs.fromReferenceJson(CASE.resolve("config.json"));
        ViLModel model = ViLModel.create(config, 1);
        model.loadStateDict(TensorArrays.toFloatArrays(StateDictFiles.read(CASE.resolve("weights.safetensors"))));
        int c = config.channels();
        int h = config.height();
        int w = config.width();
        int p = config.patchSize();
        List<TestShards.Image> images = TestShards.randomImages(6, c, h, config.numClasses(), 99);
        TestShards.writeSplit(root, "val", images, new PatchLayout(c, h / p, w / p, p), 2);
        TestShards.writeManifest(root, TestShards.manifest(config.numClasses(), h, p, c, TestShards.MEAN3, TestShards.STD3, 0, 6));

        Map<String, byte[]> byKey = new HashMap<>();
        images.forEach(i -> byKey.put(i.key(), i.chw()));
        List<DataSet> batches = new ArrayList<>();
        try (ShardDataSetIterator it = ShardDataSetIterator.open(root.toString(), "val", config,
                ReaderConfig.defaults().withBatchSize(6), ReadMode.EVAL, 0, new Configuration())) {
            it.forEachRemaining(batches::add);
        }
        assertEquals(1, batches.size());
        DataSet ds = batches.get(0);
        List<String> keys = ds.getExampleMetaData(String.class);
        float[] direct = new float[6 * c * h * w];
        for (int b = 0; b < 6; b++) {
            byte[] chw = byKey.get(keys.get(b));
            for (int i = 0; i < chw.length; i++) {
                int channel = i / (h * w);
                direct[b * chw.length + i] = TestShards.normalised(chw[i] & 0xFF, TestShards.MEAN3.get(channel),
                        TestShards.STD3.get(channel));
            }
        }
        INDArray expectedInput = Nd4j.create(direct, new long[] {6, c, h, w}, 'c');
        assertArrayEquals(direct, ds.getFeatures().dup('c').data().asFloat(), 0f);
        float[] fromShards = model.logits(ds.getFeatures()).dup('c').data().asFloat();
        float[] fromImages = model.logits(expectedInput).dup('c').data().asFloat();
        assertArrayEquals(fromImages, fromShards, 0f);
    }
}
