package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

import io.vilspark.registry.ModelFile;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint damaged on disk after it was written (truncated; bytes flipped): {@code --resume} finds it by its
 * recorded SHA-256, says so in one line naming the file, and continues from the previous good checkpoint, ending
 * where the undamaged run ended.
 */
@IntegrationTest
class DamagedCheckpointResumeTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static String data;
    /** an undisturbed two-epoch run, copied before each damage */
    static Path finished;

    @BeforeAll
    static void trainTwoEpochs() throws Exception {
        FashionMnistShards.assumeInstalled();
        spark = LocalSpark.session();
        data = FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), 256);
        finished = dir.resolve("finished");
        train(finished, false);
    }

    @Test
    void eachCheckpointCarriesTheSha256OfItsBytesInSha256sumFormat() throws Exception {
        for (String name : new String[] {"epoch-0001.zip", "epoch-0002.zip"}) {
            Path zip = finished.resolve("checkpoints").resolve(name);
            String sidecar = Files.readString(zip.resolveSibling(name + ".sha256"), StandardCharsets.UTF_8);
            assertEquals(sha256(zip) + "  " + name + "\n", sidecar);
        }
    }

    @Test
    void aTruncatedNewestCheckpointIsSkippedAndTheRunContinuesFromThePreviousOne() throws Exception {
        Path run = copyOfFinishedRun("truncated");
        Path newest = run.resolve("checkpoints/epoch-0002.zip");
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        resumeFallsBackToEpochOne(run, newest);
    }

    @Test
    void aCorruptedNewestCheckpointIsSkippedAndTheRunContinuesFromThePreviousOne() throws Exception {
        Path run = copyOfFinishedRun("corrupted");
        Path newest = run.resolve("checkpoints/epoch-0002.zip");
        long size = Files.size(newest);
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // flip 16 bytes in the middle: the length stays, only the content changes
            ByteBuffer bytes = ByteBuffer.allocate(16);
            ch.read(bytes, size / 2);
            for (int i = 0; i < 16; i++) {
                bytes.put(i, (byte) ~bytes.get(i));
            }
            bytes.rewind();
            ch.write(bytes, size / 2);
        }
        resumeFallsBackToEpochOne(run, newest);
    }

    private static void resumeFallsBackToEpochOne(Path run, Path damaged) throws Exception {
        String epochOne = sha256(run.resolve("checkpoints/epoch-0001.zip"));
        String printed = train(run, true);
        String warning = printed.lines().filter(l -> l.contains("skipping damaged checkpoint")).findFirst().orElse("");
        assertTrue(warning.contains(damaged.getFileName().toString()) && warning.contains("sha256 mismatch"),
                "one line naming the damaged file and why:\n" + printed);
        assertTrue(printed.contains("resuming after epoch 1 (step 8) from"), printed);
        assertTrue(printed.contains("train: epoch 2/2"), "epoch 2 trained again:\n" + printed);

        assertEquals(epochOne, sha256(run.resolve("checkpoints/epoch-0001.zip")), "the good checkpoint untouched");
        assertEquals(sha256(damaged) + "  epoch-0002.zip\n", Files.readString(damaged.resolveSibling("epoch-0002.zip.sha256")),
                "the rewritten checkpoint has its own checksum");
        assertEquals(params(finished.resolve("model.zip")), params(run.resolve("model.zip")),
                "the same seed from the same checkpoint ends where the undamaged run ended");
        assertEquals(Files.readAllLines(finished.resolve("metrics.jsonl")).size(),
                Files.readAllLines(run.resolve("metrics.jsonl")).size(), "one metrics line per epoch");
    }

    private static String train(Path out, boolean resume) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new TrainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8)).run(new TrainJob.Settings(data,
                out.toString(), "demo", FashionMnistShards.SMALL_RECIPE, resume));
        return log.toString(StandardCharsets.UTF_8);
    }

    private static Path copyOfFinishedRun(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (Stream<Path> files = Files.walk(finished)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(finished.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return copy;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static org.nd4j.linalg.api.ndarray.INDArray params(Path modelFile) throws IOException {
        return ModelFile.read(modelFile.toString(), false, new Configuration()).model().graph().params();
    }
}
