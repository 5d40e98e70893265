package io.vilspark.data.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import io.vilspark.data.DatasetManifest;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.PrepareRuns;
import io.vilspark.testing.Shards;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX input: Debian's dataset-fashion-mnist (full 60000 + 10000), and small IDX files written here. */
@IntegrationTest
class IdxPrepareTest {
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    /** Record {@code index} of an IDX images file, read plainly. */
    private static byte[] record(Path gz, int index) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
            in.readInt();
            in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            in.skipNBytes((long) index * rows * cols);
            byte[] b = new byte[rows * cols];
            in.readFully(b);
            return b;
        }
    }

    @Test
    void fashionMnistGivesAllRowsWithTheirPixelsUnchanged() throws Exception {
        assumeTrue(Files.isDirectory(FASHION_MNIST), "needs the Debian package dataset-fashion-mnist (.ci/run installs it)");
        String out = dir.resolve("fmnist").toString();
        PrepareRuns.run(FASHION_MNIST.toString(), out, 28, 4);
        DatasetManifest m = DatasetManifest.read(out, new Configuration());
        assertEquals(60000L, m.rows().get("train"));
        assertEquals(10000L, m.rows().get("val"));
        assertEquals(1, m.channels());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), m.classes());
        // the known Fashion-MNIST training statistics
        assertEquals(0.2860, m.mean().get(0), 1e-4);
        assertEquals(0.3530, m.std().get(0), 1e-4);
        // 28x28 stored at 28: the very same bytes, only reordered into 4x4 patches
        List<Shards.StoredRow> val = Shards.read(out + "/val");
        assertEquals("val/0", val.get(0).key());
        assertEquals("val/9", val.get(9).key());
        assertEquals("val/10", val.get(10).key());
        for (int i : new int[] {0, 1234, 9999}) {
            assertArrayEquals(record(FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"), i),
                    m.layout().toImage(val.get(i).pixels()), "val/" + i);
        }
        assertEquals(9, val.get(0).label()); // the first test image is an ankle boot
    }

    private static void writeIdx(Path file, int declared, int written, int rows, int cols, boolean labels)
            throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(labels ? 0x0801 : 0x0803);
            out.writeInt(declared);
            if (!labels) {
                out.writeInt(rows);
                out.writeInt(cols);
            }
            for (int i = 0; i < written; i++) {
                if (labels) {
                    out.writeByte(i % 4);
                } else {
                    for (int p = 0; p < rows * cols; p++) {
                        out.writeByte((i * 13 + p) & 0xFF);
                    }
                }
            }
        }
    }

    @Test
    void plainIdxFilesWithACutImagesFileAndALimit() throws Exception {
        Path in = dir.resolve("idx");
        Files.createDirectories(in);
        writeIdx(in.resolve("train-images-idx3-ubyte"), 12, 10, 20, 30, false); // 2 records missing
        writeIdx(in.resolve("train-labels-idx1-ubyte"), 12, 12, 0, 0, true);
        writeIdx(in.resolve("t10k-images-idx3-ubyte"), 5, 5, 20, 30, false);
        writeIdx(in.resolve("t10k-labels-idx1-ubyte"), 5, 5, 0, 0, true);
        String out = dir.resolve("out").toString();
        PrepareRuns.run(in.toString(), out, 20, 10, "channels=3", "class_names=[a, b, c, d]");
        DatasetManifest m = DatasetManifest.read(out, new Configuration());
        assertEquals(10L, m.rows().get("train"));
        assertEquals(5L, m.rows().get("val"));
        assertEquals(2L, m.skipped().get("truncated"));
        assertEquals(List.of("train/10", "train/11"), m.skippedExamples().get("truncated"));
        assertEquals(List.of("a", "b", "c", "d"), m.classes());
        assertEquals(3, m.channels());

        String limited = dir.resolve("limited").toString();
        PrepareRuns.run(in.toString(), limited, 20, 10, "limit=3");
        DatasetManifest l = DatasetManifest.read(limited, new Configuration());
        assertEquals(3L, l.rows().get("train"));
        assertEquals(3L, l.rows().get("val"));
        assertEquals(List.of("val/0", "val/1", "val/2"), Shards.read(limited + "/val").stream()
                .map(Shards.StoredRow::key).toList());
    }

}
