package io.vilspark.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.vilspark.config.ConfigException;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.PrepareRuns;
import io.vilspark.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that cannot be prepared stop with one clear message, before anything is written. */
@IntegrationTest
class SourceErrorsTest {
    @TempDir
    Path dir;

    private String fails(Path input) {
        Path out = dir.resolve("out");
        BadSourceException e = assertThrows(BadSourceException.class,
                () -> PrepareRuns.run(input.toString(), out.toString(), 32, 16));
        assertFalse(Files.exists(out), "nothing written");
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    private Path folder(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    @Test
    void missingOrEmptyOrUnrecognisable() throws Exception {
        assertTrue(fails(dir.resolve("absent")).endsWith("absent: no such folder"));
        Path empty = folder("empty");
        assertTrue(fails(empty).contains("cannot tell the layout"), fails(empty));
        Path loose = folder("loose");
        Files.write(loose.resolve("a.jpg"), TestImages.jpeg(TestImages.rgb(40, 40, 1)));
        String m = fails(loose);
        assertTrue(m.contains("cannot tell the layout") && m.contains("found 1 file(s)"), m);
        Path file = loose.resolve("a.jpg");
        assertTrue(fails(file).contains("not a folder"));
    }

    @Test
    void classFoldersWithoutImages() throws Exception {
        Path root = folder("classes");
        Files.createDirectories(root.resolve("cat"));
        Files.createDirectories(root.resolve("dog/.thumbnails"));
        Files.write(root.resolve("dog/.thumbnails/x.jpg"), new byte[] {1});
        String m = fails(root);
        assertTrue(m.contains("no images found (2 folder(s) listed)"), m);
    }

    @Test
    void layoutsThatDoNotFit() throws Exception {
        Path root = folder("splits");
        Files.write(Files.createDirectories(root.resolve("train/cat")).resolve("a.png"),
                TestImages.encode(TestImages.rgb(40, 40, 1), "png"));
        Files.write(Files.createDirectories(root.resolve("val/horse")).resolve("b.png"),
                TestImages.encode(TestImages.rgb(40, 40, 2), "png"));
        assertTrue(fails(root).contains("val/horse: class folder not in train/"));

        Path flat = folder("flat");
        Files.write(Files.createDirectories(flat.resolve("train/cat")).resolve("a.png"),
                TestImages.encode(TestImages.rgb(40, 40, 1), "png"));
        Files.write(Files.createDirectories(flat.resolve("val")).resolve("b.png"),
                TestImages.encode(TestImages.rgb(40, 40, 2), "png"));
        assertTrue(fails(flat).contains("val: images without class folders"), fails(flat));

        Path imagenet = folder("imagenet");
        Files.write(Files.createDirectories(imagenet.resolve("train/n01440764")).resolve("a.JPEG"),
                TestImages.jpeg(TestImages.rgb(40, 40, 1)));
        Files.write(Files.createDirectories(imagenet.resolve("val")).resolve("ILSVRC2012_val_00000001.JPEG"),
                TestImages.jpeg(TestImages.rgb(40, 40, 2)));
        assertTrue(fails(imagenet).contains("flat ImageNet val/ needs its labels"), fails(imagenet));

        Path idx = folder("idx");
        // two 28x28 images with their pixels (a header alone claims data the file lacks, refused before the labels)
        byte[] images = java.util.Arrays.copyOf(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28}, 16 + 2 * 28 * 28);
        Files.write(idx.resolve("train-images-idx3-ubyte"), images);
        Files.write(idx.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3});
        assertTrue(fails(idx).contains("labels do not fit"), fails(idx));

        Path claiming = folder("idx-claiming");
        Files.write(claiming.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0x7f, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28});
        assertTrue(fails(claiming).contains("far more than the 16-byte file can hold"), fails(claiming));
    }

    @Test
    void badSettingsNameTheirKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PrepareRuns.settings("in", "out", 30, 16));
        assertEquals("prepare.resolution", e.key().orElseThrow());
        assertTrue(e.getMessage().contains("not a multiple of the patch size 16"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> PrepareRuns.settings("in", "out", 32, 16, "compression=lz4"));
        assertEquals("prepare.compression", e.key().orElseThrow());
        e = assertThrows(ConfigException.class, () -> PrepareRuns.settings("in", "out", 32, 16, "shards=3"));
        assertTrue(e.getMessage().contains("prepare.shards"), e.getMessage());
    }
}
