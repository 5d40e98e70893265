package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import javax.imageio.ImageIO;

import io.vilspark.interop.NpyFile;
import io.vilspark.interop.TensorArrays;
import io.vilspark.registry.ModelMetadata;
import io.vilspark.testing.CliRun;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TestImages;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An official-size checkpoint through the whole path: vil import of the ViL-T golden weights (224x224,
 * patch 16, ImageNet normalisation by default), vil extract straight from image files, and the same
 * features and logits from vil predict.
 */
@IntegrationTest
class ImportedModelExtractTest {
    static final int SIZE = 224;

    @TempDir
    Path dir;

    @Test
    void extractOfAnImportedViLTMatchesPredict() throws Exception {
        Path ref = CliRun.reference("vil2_tiny");
        Path model = dir.resolve("vil2-tiny.zip");
        CliRun imported = CliRun.of("import", "--checkpoint", ref.resolve("weights.safetensors").toString(),
                "--config", ref.resolve("config.json").toString(), "--out", model.toString());
        assertEquals(0, imported.exitCode(), imported::toString);

        // two images of the model's size (their pixels are the model's input) and one that is resized and cropped
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        Random random = new Random(3);
        Map<String, byte[]> exact = new TreeMap<>();
        for (String name : List.of("a.png", "b.png")) {
            byte[] chw = new byte[3 * SIZE * SIZE];
            random.nextBytes(chw);
            exact.put(name, chw);
            ImageIO.write(toImage(chw), "png", images.resolve(name).toFile());
        }
        ImageIO.write(TestImages.fromChw(new byte[3 * 300 * 260], 300, 260), "jpg", images.resolve("c.jpg").toFile());

        LocalSpark.session();
        Path out = dir.resolve("features");
        CliRun extracted = CliRun.of("extract", "--model", model.toString(), "--input", images.toString(), "--out",
                out.toString(), "--logits", "--top-k", "5", "--quiet", "--batch", "2");
        assertEquals(0, extracted.exitCode(), extracted::toString);
        Map<String, Row> rows = new TreeMap<>();
        for (Row r : LocalSpark.session().read().parquet(out.toString()).collectAsList()) {
            rows.put(r.getString(r.fieldIndex("key")), r);
        }
        assertEquals(List.of("a.png", "b.png", "c.jpg"), List.copyOf(rows.keySet()));

        // vil predict on the same pixels, normalised here with ImageNet's statistics
        float[] data = new float[exact.size() * 3 * SIZE * SIZE];
        int n = 0;
        int plane = SIZE * SIZE;
        for (byte[] chw : exact.values()) {
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    data[(n * 3 + c) * plane + i] = (float) (((chw[c * plane + i] & 0xFF) / 255.0
                            - ModelMetadata.IMAGENET_MEAN.get(c)) / ModelMetadata.IMAGENET_STD.get(c));
                }
            }
            n++;
        }
        Path npy = dir.resolve("images.npy");
        NpyFile.write(npy, TensorArrays.toTensor(Nd4j.create(data, new long[] {n, 3, SIZE, SIZE}, 'c')));
        INDArray features = predict(model, npy, "--features");
        INDArray logits = predict(model, npy);
        assertEquals(2L * 192, features.size(1), "ViL-T: bilateral_flatten of dim 192");
        int i = 0;
        for (String key : exact.keySet()) {
            Row row = rows.get(key);
            assertClose(features.getRow(i), row.getList(row.fieldIndex("features")), key + " features");
            assertClose(logits.getRow(i), row.getList(row.fieldIndex("logits")), key + " logits");
            List<Integer> top = row.getList(row.fieldIndex("top_classes"));
            assertEquals(5, top.size());
            assertEquals(Nd4j.argMax(logits.getRow(i)).getInt(0), top.get(0), key + ": top class = argmax of the logits");
            i++;
        }
        assertTrue(rows.get("c.jpg").isNullAt(rows.get("c.jpg").fieldIndex("label")), "a flat folder is unlabelled");
    }

    private INDArray predict(Path model, Path npy, String... mode) throws Exception {
        Path out = Files.createTempFile(dir, "predict", ".npy");
        String[] base = {"predict", "--model", model.toString(), "--images", npy.toString(), "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + mode.length);
        System.arraycopy(mode, 0, args, base.length, mode.length);
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run::toString);
        return TensorArrays.toArray(NpyFile.read(out));
    }

    /** Within 1e-5 of the largest reference value (float32 rounding over 24 blocks). */
    private static void assertClose(INDArray expected, List<Float> actual, String what) {
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        assertEquals(expected.length(), actual.size(), what);
        for (int j = 0; j < actual.size(); j++) {
            assertEquals(expected.getDouble(j), actual.get(j), 1e-5 * scale, what + " [" + j + "]");
        }
    }

    private static BufferedImage toImage(byte[] chw) {
        return TestImages.fromChw(chw, SIZE, SIZE);
    }
}
