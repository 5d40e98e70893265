package io.vilspark.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.cli.VilCli;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.interop.NpyFile;
import io.vilspark.interop.TensorArrays;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.InferenceFixtures.Image;
import io.vilspark.testing.LocalSpark;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;

/**
 * The extract scenario the local and the HDFS tests both run: a class-folder tree of real image
 * files (PNG of the model's size whose pixels are known, larger ones, and bad files) on some Hadoop
 * file system, a tiny model file beside it, and the checks.
 */
final class ExtractScenario {
    static final int SIZE = 16;
    static final int CLASSES = 3;
    /** valid images; with the 3 bad files, 18 inputs */
    static final int VALID = 15;
    static final int INPUTS = 18;

    final FileSystem fs;
    final String base;
    final java.nio.file.Path local;
    final String model;
    final String images;
    /** images of the model's size: key -> label (-1 unlabelled) and pixels, in key order */
    final Map<String, Image> exact = new TreeMap<>();
    final Map<String, Integer> labels = new HashMap<>();

    /**
     * @param base  folder URI on the file system under test (file:/... or hdfs://.../...)
     * @param local a local scratch folder (npy files for vil predict)
     */
    ExtractScenario(FileSystem fs, String base, java.nio.file.Path local) throws IOException {
        this.fs = fs;
        this.base = base;
        this.local = local;
        this.model = base + "/model.zip";
        this.images = base + "/images";
        ViLConfig config = InferenceFixtures.tinyRgb(SIZE, CLASSES);
        // written locally, copied: the model file is the same bytes on every file system
        java.nio.file.Path localModel = local.resolve("model-" + Math.abs(base.hashCode()) + ".zip");
        InferenceFixtures.writeModel(localModel.toString(), config, 5);
        fs.copyFromLocalFile(new Path(localModel.toUri()), new Path(model));
        Random random = new Random(42);
        for (int i = 0; i < 6; i++) {
            exactImage("cat/c0" + i + ".png", 0, random);
        }
        for (int i = 0; i < 5; i++) {
            exactImage("dog/d0" + i + ".png", 1, random);
        }
        exactImage("dog/sub/d10.png", 1, random);
        exactImage("loose.png", -1, random);
        put("cat/big0.png", png(randomImage(40, 30, random)), 0);
        put("cat/big1.png", png(randomImage(30, 45, random)), 0);
        byte[] whole = png(randomImage(SIZE, SIZE, random));
        put("cat/broken.png", Arrays.copyOf(whole, whole.length / 2), 0);
        put("dog/notes.txt", "not a picture".getBytes(), 1);
        put("dog/empty.png", new byte[0], 1);
        put(".hidden.png", png(randomImage(SIZE, SIZE, random)), -2); // dot files are not inputs
    }

    private void exactImage(String key, int label, Random random) throws IOException {
        byte[] chw = new byte[3 * SIZE * SIZE];
        random.nextBytes(chw);
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
        int plane = SIZE * SIZE;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int i = y * SIZE + x;
                image.setRGB(x, y, (chw[i] & 0xFF) << 16 | (chw[plane + i] & 0xFF) << 8 | (chw[2 * plane + i] & 0xFF));
            }
        }
        exact.put(key, new Image(key, label, chw));
        put(key, png(image), label);
    }

    private void put(String key, byte[] bytes, int label) throws IOException {
        try (OutputStream out = fs.create(new Path(images + "/" + key))) {
            out.write(bytes);
        }
        if (label >= -1) {
            labels.put(key, label);
        }
    }

    private static BufferedImage randomImage(int w, int h, Random random) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    ExtractJob.Result extract(String input, String out, String... overrides) throws IOException {
        List<String> o = new ArrayList<>(List.of("extract.progress_seconds=0", "extract.images_per_partition=4",
                "extract.batch_size=3"));
        o.addAll(List.of(overrides));
        return ExtractJob.run(LocalSpark.session(), model, input, out, ExtractSettings.load(Optional.empty(), o),
                new PrintWriter(new StringWriter()));
    }

    /** The rows of an output folder (its files and split folders), by key. */
    Map<String, Row> rows(String out) throws IOException {
        List<String> files = new ArrayList<>();
        collectParquet(new Path(out), files);
        Map<String, Row> byKey = new LinkedHashMap<>();
        for (Row r : LocalSpark.session().read().parquet(files.toArray(String[]::new)).collectAsList()) {
            Row previous = byKey.put(r.getString(r.fieldIndex("key")), r);
            assertNull(previous, "key " + r.getString(r.fieldIndex("key")) + " written twice");
        }
        return byKey;
    }

    private void collectParquet(Path dir, List<String> out) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (s.isDirectory()) {
                collectParquet(s.getPath(), out);
            } else {
                out.add(s.getPath().toString());
            }
        }
    }

    static float[] floats(Row r, String column) {
        List<Float> list = r.getList(r.fieldIndex(column));
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** Runs {@code vil predict} (in this JVM, through the CLI) on the model-sized images, normalised here. */
    INDArray predict(String... mode) throws IOException {
        List<Image> list = new ArrayList<>(exact.values());
        java.nio.file.Path npy = local.resolve("images-" + Math.abs(base.hashCode()) + ".npy");
        NpyFile.write(npy, TensorArrays.toTensor(InferenceFixtures.normalised(list, SIZE)));
        java.nio.file.Path result = Files.createTempFile(local, "predict", ".npy");
        List<String> args = new ArrayList<>(List.of("predict", "--model", model, "--images", npy.toString(),
                "--out", result.toString(), "--batch", "5"));
        args.addAll(List.of(mode));
        StringWriter err = new StringWriter();
        CommandLine cli = VilCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute(args.toArray(String[]::new)), err::toString);
        return TensorArrays.toArray(NpyFile.read(result));
    }

    /**
     * Extract from the images: one row per usable image with its folder's label, bad files counted by
     * reason, and for the model-sized images features and logits equal to vil predict's within 1e-5.
     */
    void featuresEqualPredictAndBadImagesAreCounted(String out) throws IOException {
        int reads = ExecutorModels.fileReads();
        ExtractJob.Result r = extract(images, out, "extract.logits=true", "extract.top_k=2");
        assertEquals(1, ExecutorModels.fileReads() - reads, "one read of the model file for the driver and all tasks");
        assertEquals(5, r.partitions(), "18 inputs in partitions of 4");
        assertEquals(VALID, r.rows());
        assertEquals(Map.of("empty", 1L, "not_an_image", 1L, "truncated", 1L), r.skippedByReason());

        Map<String, Row> rows = rows(out);
        assertEquals(VALID, rows.size());
        for (Map.Entry<String, Integer> e : labels.entrySet()) {
            if (e.getKey().equals("cat/broken.png") || e.getKey().equals("dog/notes.txt")
                    || e.getKey().equals("dog/empty.png")) {
                assertFalse(rows.containsKey(e.getKey()), e.getKey());
                continue;
            }
            Row row = rows.get(e.getKey());
            assertNotNull(row, e.getKey());
            if (e.getValue() < 0) {
                assertTrue(row.isNullAt(row.fieldIndex("label")), "unlabelled: " + e.getKey());
            } else {
                assertEquals(e.getValue(), row.getInt(row.fieldIndex("label")), e.getKey());
            }
        }

        INDArray features = predict("--features");
        INDArray logits = predict();
        int i = 0;
        for (String key : exact.keySet()) {
            Row row = rows.get(key);
            float[] f = floats(row, "features");
            float[] l = floats(row, "logits");
            assertEquals(features.size(1), f.length);
            for (int j = 0; j < f.length; j++) {
                assertEquals(features.getFloat(i, j), f[j], 1e-5, key + " feature " + j);
            }
            for (int j = 0; j < l.length; j++) {
                assertEquals(logits.getFloat(i, j), l[j], 1e-5, key + " logit " + j);
            }
            checkTopClasses(row, l);
            i++;
        }

        JsonNode summary = new ObjectMapper().readTree(fs.open(new Path(out, OutputFolder.SUMMARY)));
        assertEquals(VALID, summary.get("rows").asInt());
        assertEquals(3, summary.get("skipped").asInt());
        assertEquals("cat/broken.png", summary.get("skipped_examples").get("truncated").get(0).asText());
    }

    /** top_classes / top_probs / top_names: the two most probable classes by the row's own logits. */
    private static void checkTopClasses(Row row, float[] logits) {
        double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
        double[] p = new double[3];
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            p[c] = Math.exp(logits[c] - max);
            sum += p[c];
        }
        Integer[] order = {0, 1, 2};
        double[] probs = p;
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        List<Integer> classes = row.getList(row.fieldIndex("top_classes"));
        assertEquals(List.of(order[0], order[1]), classes);
        float[] top = floats(row, "top_probs");
        assertEquals(p[order[0]] / sum, top[0], 1e-6);
        assertEquals(p[order[1]] / sum, top[1], 1e-6);
        List<String> names = row.getList(row.fieldIndex("top_names"));
        assertEquals(InferenceFixtures.classNames(3).get(order[0]), names.get(0));
    }

    /**
     * A crash in the middle of the run (in the third partition), then a rerun: exactly one row per
     * usable input, files completed before the crash kept as they were, no temporary files left.
     */
    void crashThenRerunGivesOneRowPerInput(String out) throws Exception {
        // partitions of 4 in key order: [big0, big1, broken, c00] [c01..c04] [c05, d00, d01, d02] ...
        Exception crash = assertThrows(Exception.class, () -> extract(images, out, "extract.fail_on_key=\"dog/d01.png\""));
        assertTrue(String.valueOf(crash.getMessage()).contains("injected failure"), crash::toString);
        Map<String, Long> committed = committedFiles(out);
        assertFalse(committed.containsKey("part-00002.parquet"), "the crashed partition is not committed");
        // two task slots: the crashing partition started only when an earlier one had finished, and committed
        assertFalse(committed.isEmpty(), "partitions finished before the crash are committed");
        for (String file : committed.keySet()) {
            // every visible file is complete: it opens and carries its statistics
            assertNotNull(new PartitionFile(out + "/" + file, fs.getConf()).stats(fs.getConf()), file);
        }
        // what a killed attempt leaves behind: a partial file under a temporary name
        try (OutputStream partial = fs.create(new Path(out + "/_temporary/part-00002.parquet.attempt-dead"))) {
            partial.write(new byte[] {'P', 'A', 'R', '1', 0, 0});
        }

        ExtractJob.Result r = extract(images, out);
        assertEquals(5, r.partitions());
        // a task still running when the job failed may commit its (complete) file after the listing above
        assertTrue(r.resumedPartitions() >= committed.size(), "complete files are kept, not redone");
        assertEquals(VALID, r.rows());
        assertEquals(3, r.skipped(), "skips of kept partitions are still reported (from their footers)");
        Map<String, Row> rows = rows(out);
        assertEquals(VALID, rows.size(), "exactly one row per usable input");
        Map<String, Long> after = committedFiles(out);
        committed.forEach((file, modified) -> assertEquals(modified, after.get(file), file + " was not rewritten"));
        assertFalse(fs.exists(new Path(out, PartitionFile.TEMPORARY)), "temporary files are removed");
    }

    /** Output file name -> modification time, for files outside the temporary folder. */
    Map<String, Long> committedFiles(String out) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        for (FileStatus s : fs.listStatus(new Path(out))) {
            if (s.isFile() && s.getPath().getName().endsWith(".parquet")) {
                files.put(s.getPath().getName(), s.getModificationTime());
            }
        }
        return files;
    }
}
