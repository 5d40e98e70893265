package io.vilspark.ml;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import io.vilspark.inference.ModelOutputs;
import io.vilspark.model.ViLModel;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.InferenceFixtures.Image;
import org.apache.spark.sql.Row;

/**
 * A folder of real image files for the DataFrame API's tests: PNGs of the model's size whose pixels
 * are known ({@code exact/}), a larger JPEG, a truncated PNG and a text file; and a tiny model with
 * its outputs on the known pixels.
 */
final class TestImages {
    static final int SIZE = 16;
    static final int CLASSES = 3;
    static final String TRUNCATED = "bad/broken.png";
    static final String TEXT = "bad/notes.txt";
    static final String JPEG = "big/photo.jpg";

    final Path root;
    /** the model-sized PNGs, key = path relative to {@link #root} */
    final List<Image> exact;
    /** a tiny RGB model file of {@link #SIZE} beside the images */
    final String model;
    /** the model run directly on the PNGs' pixels, normalised by the test: row i is {@code exact[i]} */
    final ModelOutputs expected;

    /** The images in {@code dir/images}, the model (initialised with {@code seed}) as {@code dir/model.zip}. */
    TestImages(Path dir, long seed) throws IOException {
        this.root = dir.resolve("images");
        this.model = dir.resolve("model.zip").toString();
        this.exact = InferenceFixtures.randomImages("exact", 7, SIZE, CLASSES, 11).stream()
                .map(i -> new Image(i.key() + ".png", i.label(), i.chw())).toList();
        for (Image i : exact) {
            write(i.key(), encode(io.vilspark.testing.TestImages.fromChw(i.chw(), SIZE, SIZE), "png"));
        }
        Random random = new Random(3);
        byte[] whole = encode(io.vilspark.testing.TestImages.fromChw(random(3 * SIZE * SIZE, random), SIZE, SIZE), "png");
        write(TRUNCATED, Arrays.copyOf(whole, whole.length / 2));
        write(TEXT, "not a picture".getBytes());
        write(JPEG, encode(io.vilspark.testing.TestImages.fromChw(random(3 * 40 * 30, random), 40, 30), "jpg"));
        ViLModel net = InferenceFixtures.writeModel(model, InferenceFixtures.tinyRgb(SIZE, CLASSES), seed);
        this.expected = ModelOutputs.compute(net, InferenceFixtures.normalised(exact, SIZE));
    }

    /** A file URI below the root (binaryFile's path, the image source's origin) as its key. */
    String relative(String uri) {
        String path = new org.apache.hadoop.fs.Path(uri).toUri().getPath();
        String prefix = root.toUri().getPath();
        return path.substring(prefix.endsWith("/") ? prefix.length() : prefix.length() + 1);
    }

    /** Rows by the key of their file column ({@code path} or the image source's origin). */
    Map<String, Row> byKey(List<Row> rows, java.util.function.Function<Row, String> file) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : rows) {
            out.put(relative(file.apply(r)), r);
        }
        return out;
    }

    private void write(String key, byte[] bytes) throws IOException {
        Path p = root.resolve(key);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    private static byte[] random(int n, Random random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
