package io.vilspark.data.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import io.vilspark.image.ResizeCrop;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.image.ChwImage;
import io.vilspark.image.ImagePixels;
import io.vilspark.image.ResampleFilter;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.PrepareRuns;
import io.vilspark.testing.Shards;
import io.vilspark.testing.TestImages;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-folder trees of real image files through the Spark job (local[2]). */
@IntegrationTest
class FolderTreePrepareTest {
    @TempDir
    Path dir;

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /**
     * A file the local file system refuses to read: its Hadoop checksum file ({@code .<name>.crc})
     * does not match, as a damaged disk block would show.
     */
    private static void writeUnreadable(Path file) throws IOException {
        byte[] data = TestImages.encode(TestImages.rgb(40, 40, 9), "png");
        write(file, data);
        ByteBuffer crc = ByteBuffer.allocate(8 + 4 * (data.length / 512 + 1));
        crc.put(new byte[] {'c', 'r', 'c', 0}).putInt(512);
        while (crc.hasRemaining()) {
            crc.putInt(0xDEADBEEF);
        }
        Files.write(file.resolveSibling("." + file.getFileName() + ".crc"), crc.array());
    }

    @Test
    void everyFormatAndEveryKindOfBrokenFileWithExactCounts() throws Exception {
        Path in = dir.resolve("pets");
        // good images: 9 per class, every format and colour model
        for (String cls : new String[] {"dog", "cat", "bird"}) {
            Path c = in.resolve(cls);
            int s = cls.length();
            write(c.resolve("rgb.jpg"), TestImages.jpeg(TestImages.rgb(120, 90, s)));
            write(c.resolve("grey.jpg"), TestImages.jpeg(TestImages.gray(64, 80, s)));
            write(c.resolve("cmyk.jpg"), TestImages.adobeJpeg(24, 48, new int[][] {{255, 0, 0, 255}, {0, 255, 255, 255}}, 0));
            write(c.resolve("ycck.jpg"), TestImages.adobeJpeg(24, 48, new int[][] {{0, 128, 128, 255}}, 2));
            write(c.resolve("rgba.png"), TestImages.encode(TestImages.rgba(50, 40, s), "png"));
            write(c.resolve("deep/grey16.png"), TestImages.encode(TestImages.sixteenBit(40, 40, 1, s), "png"));
            write(c.resolve("rgb16.png"), TestImages.encode(TestImages.sixteenBit(33, 47, 3, s), "png"));
            write(c.resolve("picture.bmp"), TestImages.encode(TestImages.rgb(36, 36, s), "bmp"));
            BufferedImageHolder gif = new BufferedImageHolder(TestImages.rgb(40, 32, s));
            write(c.resolve("anim.gif"), TestImages.encode(gif.indexed(), "gif"));
            write(c.resolve(".DS_Store"), new byte[] {1, 2, 3}); // hidden: not an input
        }
        // broken files, spread over the classes
        byte[] jpeg = TestImages.jpeg(TestImages.rgb(100, 80, 1));
        byte[] png = TestImages.encode(TestImages.rgb(100, 80, 2), "png");
        write(in.resolve("dog/empty.jpg"), new byte[0]);
        write(in.resolve("cat/empty.png"), new byte[0]);
        write(in.resolve("dog/notes.txt"), "not an image\n".getBytes());
        write(in.resolve("bird/fake.jpg"), "<html>404</html>".getBytes());
        write(in.resolve("cat/cut.jpg"), TestImages.cut(jpeg, 0.5));
        write(in.resolve("cat/cut.png"), TestImages.cut(png, 0.7));
        write(in.resolve("bird/cut.bmp"), TestImages.cut(TestImages.encode(TestImages.rgb(60, 60, 3), "bmp"), 0.5));
        byte[] garbled = png.clone();
        for (int i = 80; i < garbled.length - 20; i++) {
            garbled[i] = (byte) (i * 31);
        }
        write(in.resolve("dog/garbled.png"), garbled);
        write(in.resolve("bird/tiny.png"), TestImages.encode(TestImages.rgb(15, 200, 4), "png"));
        write(in.resolve("dog/tiny.jpg"), TestImages.jpeg(TestImages.rgb(300, 12, 4)));
        write(in.resolve("cat/bomb.png"), TestImages.pngClaiming(100_000, 100_000));
        writeUnreadable(in.resolve("bird/unreadable.png"));
        write(in.resolve("README.txt"), "loose file beside the class folders\n".getBytes()); // ignored, noted

        String out = dir.resolve("out").toString();
        PrepareResult result = PrepareRuns.run(in.toString(), out, 32, 16, "val_fraction=0.25", "seed=7",
                "skipped_examples=2");
        DatasetManifest m = DatasetManifest.read(out, new Configuration());

        assertEquals(List.of("bird", "cat", "dog"), m.classes());
        assertEquals(27, m.rows().get("train") + m.rows().get("val"));
        Map<String, Long> skipped = new LinkedHashMap<>();
        skipped.put("unreadable", 1L);
        skipped.put("empty", 2L);
        skipped.put("not_an_image", 2L);
        skipped.put("truncated", 3L);
        skipped.put("corrupt", 1L);
        skipped.put("too_small", 2L);
        skipped.put("too_large", 1L);
        skipped.put("no_label", 0L);
        assertEquals(skipped, m.skipped());
        assertEquals(List.of("cat/empty.png", "dog/empty.jpg"), m.skippedExamples().get("empty"));
        assertEquals(List.of("bird/unreadable.png"), m.skippedExamples().get("unreadable"));
        assertEquals(List.of("bird/cut.bmp", "cat/cut.jpg"), m.skippedExamples().get("truncated")); // first 2 keys
        assertEquals(List.of("cat/bomb.png"), m.skippedExamples().get("too_large"));
        assertEquals(39, result.inputs());
        assertEquals(1, m.source().get("ignored_files"));

        // held out per class: round(0.25 * files of the class) = 3 of the 13 files of each class
        @SuppressWarnings("unchecked")
        Map<String, Number> listed = (Map<String, Number>) m.source().get("inputs_listed");
        assertEquals(3 + 3 + 3, listed.get("val").intValue());
        assertEquals(39, listed.get("train").intValue() + listed.get("val").intValue());

        PatchLayout layout = m.layout();
        for (String split : new String[] {"train", "val"}) {
            List<Shards.StoredRow> rows = Shards.read(out + "/" + split);
            assertEquals(m.rows().get(split), rows.size());
            for (Shards.StoredRow r : rows) {
                assertEquals(layout.size(), r.pixels().length);
                assertEquals(3, r.channels());
                assertEquals(2, r.gridH());
                assertEquals(m.classes().indexOf(r.key().substring(0, r.key().indexOf('/'))), r.label(), r.key());
            }
        }
        // the CMYK picture's first block is red after conversion: its top-left patch, channel R high, G low
        Shards.StoredRow cmyk = Shards.read(out + "/train").stream().filter(r -> r.key().equals("dog/cmyk.jpg"))
                .findFirst().orElseGet(() -> Shards.read(out + "/val").stream()
                        .filter(r -> r.key().equals("dog/cmyk.jpg")).findFirst().orElseThrow());
        byte[] image = layout.toImage(cmyk.pixels());
        assertTrue((image[0] & 0xFF) > 200 && (image[32 * 32] & 0xFF) < 50, "CMYK red block");
    }

    /** Holder so a GIF can be drawn from an RGB picture (palette conversion by Java2D). */
    private record BufferedImageHolder(java.awt.image.BufferedImage rgb) {
        java.awt.image.BufferedImage indexed() {
            java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(rgb.getWidth(), rgb.getHeight(),
                    java.awt.image.BufferedImage.TYPE_BYTE_INDEXED);
            out.createGraphics().drawImage(rgb, 0, 0, null);
            return out;
        }
    }

    /** train/ and val/ of lossless files of many sizes. */
    private Map<String, byte[]> writeSplitTree(Path in) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        int[][] sizes = {{32, 32}, {32, 41}, {45, 32}, {96, 64}, {20, 27}, {200, 120}, {33, 33}};
        int n = 0;
        for (String split : new String[] {"train", "val"}) {
            for (String cls : new String[] {"b", "a"}) {
                for (int[] s : sizes) {
                    n++;
                    String key = split + "/" + cls + "/img" + n + (n % 2 == 0 ? ".png" : ".bmp");
                    byte[] bytes = TestImages.encode(TestImages.rgb(s[1], s[0], n), n % 2 == 0 ? "png" : "bmp");
                    write(in.resolve(key), bytes);
                    files.put(key, bytes);
                }
            }
            String greyKey = split + "/a/grey" + split + ".png";
            byte[] grey = TestImages.encode(TestImages.gray(50, 70, 3), "png");
            write(in.resolve(greyKey), grey);
            files.put(greyKey, grey);
        }
        return files;
    }

    @Test
    void shardsRebuildTheResizedCroppedImagePixelForPixelAndRerunsGiveTheSameRows() throws Exception {
        Path in = dir.resolve("tree");
        Map<String, byte[]> files = writeSplitTree(in);
        String out1 = dir.resolve("run1").toString();
        String out2 = dir.resolve("run2").toString();
        // tiny shards: several files per split, so the order across shard files is checked too
        PrepareRuns.run(in.toString(), out1, 32, 8, "min_shards=3");
        DatasetManifest m = DatasetManifest.read(out1, new Configuration());
        assertEquals(List.of("a", "b"), m.classes());
        assertEquals(15L, m.rows().get("train"));
        assertEquals(15L, m.rows().get("val"));
        PatchLayout layout = m.layout();
        ResizeCrop resizeCrop = new ResizeCrop(32, ResampleFilter.BICUBIC);

        Map<String, byte[]> stored = new HashMap<>();
        for (String split : new String[] {"train", "val"}) {
            List<Shards.StoredRow> rows = Shards.read(out1 + "/" + split);
            assertTrue(rows.stream().map(Shards.StoredRow::file).distinct().count() >= 3, "several shard files");
            for (int i = 1; i < rows.size(); i++) {
                assertTrue(rows.get(i - 1).key().compareTo(rows.get(i).key()) < 0, "rows in key order");
            }
            rows.forEach(r -> stored.put(r.key(), r.pixels()));
        }
        assertEquals(files.keySet(), stored.keySet());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            ChwImage original = ImagePixels.toChw(ImageIO.read(new ByteArrayInputStream(f.getValue())));
            ChwImage expected = resizeCrop.apply(original.withChannels(3));
            assertArrayEquals(expected.toBytes(), layout.toImage(stored.get(f.getKey())), f.getKey());
            if (original.height() == 32 && original.width() == 32) {
                assertArrayEquals(original.toBytes(), layout.toImage(stored.get(f.getKey())), "unchanged " + f.getKey());
            }
        }

        PrepareRuns.run(in.toString(), out2, 32, 8, "min_shards=3");
        for (String split : new String[] {"train", "val"}) {
            assertEquals(Shards.read(out1 + "/" + split), Shards.read(out2 + "/" + split), split);
        }
        DatasetManifest again = DatasetManifest.read(out2, new Configuration());
        assertEquals(m.mean(), again.mean());
        assertEquals(m.std(), again.std());
    }

    @Test
    void aFailedRunLeavesNothingThatLooksLikeADataset() throws Exception {
        Path in = dir.resolve("tree");
        writeSplitTree(in);
        Path out = dir.resolve("outputs/ds");
        Exception e = assertThrows(Exception.class,
                () -> PrepareRuns.run(in.toString(), out.toString(), 32, 8, "fail_on_key=\"val/b/img17.bmp\""));
        assertTrue(String.valueOf(e.getMessage()).contains("injected failure (prepare.fail_on_key) at val/b/img17.bmp"),
                e.getMessage());
        assertFalse(Files.exists(out), "no dataset folder");
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(), left.toList(), "staging folder removed");
        }
        // the same output then prepares normally; a second run needs --overwrite
        PrepareRuns.run(in.toString(), out.toString(), 32, 8);
        assertTrue(Files.exists(out.resolve(DatasetManifest.FILE_NAME)));
        BadSourceException exists = assertThrows(BadSourceException.class,
                () -> PrepareRuns.run(in.toString(), out.toString(), 32, 8));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        PrepareRuns.run(in.toString(), out.toString(), 32, 8, "overwrite=true");
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(out), left.toList(), "nothing beside the replaced dataset");
        }
    }
}
