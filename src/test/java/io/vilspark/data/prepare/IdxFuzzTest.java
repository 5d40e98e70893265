package io.vilspark.data.prepare;

import io.vilspark.fs.HadoopConfBox;
import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.PrepareRuns;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX files from the outside, through everything {@code vil prepare} does with them before Spark
 * gets the pixels: planning (headers of both files), listing (one item per record; the labels
 * read whole) and the records read by {@link IdxCursor}. Headers that claim more records or pixels
 * than the file holds must be refused before anything is allocated for them.
 */
@IntegrationTest
class IdxFuzzTest {
    private static final int COUNT = 6;
    private static final int SIDE = 8;

    @TempDir
    Path tmp;

    @Test
    void mutatedImagesFilesArePreparedOrRefusedByName() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("in"));
        campaign("idx-images", images(), (bytes) -> {
            Files.write(input.resolve("train-images-idx3-ubyte"), bytes);
            // labels that agree with whatever count the images header claims, so that claim reaches the listing
            if (bytes.length % 3 != 0) {
                Files.write(input.resolve("train-labels-idx1-ubyte"), labels(claimedCount(bytes)));
            }
            return input;
        });
    }

    @Test
    void mutatedLabelsFilesArePreparedOrRefusedByName() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("in"));
        campaign("idx-labels", labels(COUNT), (bytes) -> {
            Files.write(input.resolve("train-labels-idx1-ubyte"), bytes);
            Files.write(input.resolve("train-images-idx3-ubyte"), images());
            return input;
        });
    }

    /** Lays out one source folder around the mutated bytes. */
    @FunctionalInterface
    private interface SourceFolder {
        Path write(byte[] mutated) throws IOException;
    }

    private void campaign(String name, byte[] seed, SourceFolder folder) throws Exception {
        Configuration conf = new Configuration();
        String out = tmp.resolve("out").toUri().toString();
        FuzzCampaign.Result result = FuzzCampaign.named(name)
                .seeds(List.of(seed, gzip(seed)))
                .allow(BadSourceException.class)
                .iterations(800)
                .run(tmp, (bytes, file) -> {
                    try (var files = Files.list(tmp.resolve("in"))) {
                        for (Path p : (Iterable<Path>) files::iterator) {
                            Files.delete(p);
                        }
                    }
                    Path input = folder.write(bytes);
                    prepareUpToPixels(PrepareRuns.settings(input.toUri().toString(), out, SIDE, 4), conf, input);
                });
        result.assertBothOutcomes();
    }

    /** The record count of an uncompressed IDX header, or some count when there is none. */
    private static int claimedCount(byte[] bytes) {
        return bytes.length >= 8 && bytes[0] != 0x1F ? ByteBuffer.wrap(bytes, 4, 4).getInt() : COUNT;
    }

    /** Plans, lists every task and reads every listed record as the shard encoder does. */
    private static void prepareUpToPixels(PrepareSettings settings, Configuration conf, Path input) throws IOException {
        SourcePlan plan = SourcePlanner.plan(settings, conf);
        Lister lister = new Lister(input.toUri().getPath(), new HadoopConfBox(conf));
        for (ListingTask task : plan.tasks()) {
            List<InputItem> items = new ArrayList<>();
            lister.call(task).forEachRemaining(items::add);
            try (IdxCursor cursor = new IdxCursor(((ListingTask.IdxPair) task).images(), conf)) {
                for (InputItem item : items) {
                    try {
                        cursor.read(item.idxIndex());
                    } catch (EOFException | java.util.zip.ZipException e) {
                        // skipped by the encoder as truncated or corrupt
                    }
                }
            }
        }
    }

    private static byte[] images() {
        ByteBuffer b = ByteBuffer.allocate(16 + COUNT * SIDE * SIDE);
        b.putInt(0x0803).putInt(COUNT).putInt(SIDE).putInt(SIDE);
        for (int i = 0; i < COUNT * SIDE * SIDE; i++) {
            b.put((byte) (i * 7));
        }
        return b.array();
    }

    /** A labels file whose header claims {@code count} labels; it holds {@link #COUNT}. */
    private static byte[] labels(int count) {
        ByteBuffer b = ByteBuffer.allocate(8 + COUNT);
        b.putInt(0x0801).putInt(count);
        for (int i = 0; i < COUNT; i++) {
            b.put((byte) (i % 3));
        }
        return b.array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
