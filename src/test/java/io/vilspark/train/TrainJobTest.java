package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import io.vilspark.registry.ModelFile;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** vil train on Spark local[2] with real Fashion-MNIST shards: metrics, curves, checkpoints, resume, divergence. */
@IntegrationTest
class TrainJobTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static String data;

    /** A small, fast variant of the demo recipe: the same pipeline, a tiny model and few images. */
    static final List<String> SMALL = FashionMnistShards.SMALL_RECIPE;

    @BeforeAll
    static void prepareData() throws Exception {
        FashionMnistShards.assumeInstalled();
        spark = LocalSpark.session();
        data = FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), 256);
    }

    private static TrainJob.Result train(String out, boolean resume, List<String> extra) throws IOException {
        List<String> overrides = new ArrayList<>(SMALL);
        overrides.addAll(extra);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            return new TrainJob(spark, new PrintStream(printed, true)).run(new TrainJob.Settings(data, out, "demo",
                    overrides, resume));
        } finally {
            lastPrinted = printed.toString();
        }
    }

    private static String lastPrinted = "";

    @Test
    void trainsWritesMetricsCurvesCheckpointsAndResumesFromTheLastCompleteEpoch() throws Exception {
        String full = dir.resolve("full").toString();
        TrainJob.Result result = train(full, false, List.of());
        assertEquals(2, result.epochs().size());
        EpochMetrics last = result.last();
        assertEquals(2 * 4 * 2, last.step(), "ceil(256 / (32 x 2)) = 4 averaging rounds of 2 steps per epoch");
        assertTrue(last.valTop1() > 0.3, "a learning model beats chance (0.1) on Fashion-MNIST: " + last.valTop1());
        assertTrue(result.epochs().get(1).trainLoss() < result.epochs().get(0).trainLoss() + 0.2);
        assertEquals(2, Files.readAllLines(Path.of(full, "metrics.jsonl")).size());
        // every epoch line gives the driver's resident memory (this JVM's: local mode), at most its peak so far
        java.util.regex.Matcher resident = java.util.regex.Pattern
                .compile("train: epoch \\d/2: .*, driver resident (\\d+\\.\\d\\d) GB").matcher(lastPrinted);
        int lines = 0;
        while (resident.find()) {
            double gb = Double.parseDouble(resident.group(1));
            assertTrue(gb > 0.1 && gb * 1e9 <= io.vilspark.inference.ProcessMemory.now().peakResidentBytes().orElseThrow()
                    + 5e6, resident.group());
            lines++;
        }
        assertEquals(2, lines, lastPrinted);
        assertEquals(1200, ImageIO.read(Path.of(full, "curves.png").toFile()).getWidth());
        assertTrue(Files.exists(Path.of(full, "checkpoints", "epoch-0001.zip")));
        assertTrue(Files.exists(Path.of(full, "checkpoints", "epoch-0002.zip")));

        // a run that crashed during epoch 2: epoch 1's checkpoint is the newest complete one
        String crashed = dir.resolve("crashed").toString();
        train(crashed, false, List.of());
        assertEquals(params(full + "/checkpoints/epoch-0001.zip"), params(crashed + "/checkpoints/epoch-0001.zip"),
                "the same recipe and seed train the same epoch");
        Files.delete(Path.of(crashed, "checkpoints", "epoch-0002.zip"));
        Files.deleteIfExists(Path.of(crashed, "checkpoints", ".epoch-0002.zip.crc"));
        Files.delete(Path.of(crashed, "model.zip"));
        TrainJob.Result resumed = train(crashed, true, List.of());
        assertEquals(2, resumed.epochs().size(), "epoch 1 from the log, epoch 2 trained again");

        // the same to the last bits, not bit for bit: the vector API's exp is SVML's once the JIT has
        // compiled a kernel and a scalar fallback before (they differ in the last bit), and the crashed
        // run started in a JVM that the first run had warmed up
        assertEquals(result.epochs().get(0).valLoss(), resumed.epochs().get(0).valLoss(),
                1e-6 * result.epochs().get(0).valLoss(), "epoch 1 kept from the log of the crashed run (same seed: same numbers)");
        assertEquals(2, resumed.last().epoch(), "epoch 2 trained again from epoch 1's checkpoint");
        assertEquals(params(full + "/model.zip"), params(crashed + "/model.zip"),
                "the resumed run ends exactly where the uninterrupted one does");
        assertEquals(last.step(), resumed.last().step(), "the resumed run ends at the same step");
        assertTrue(Files.exists(Path.of(crashed, "model.zip")));

        IOException again = assertThrows(IOException.class, () -> train(full, false, List.of()));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());
    }

    private static INDArray params(String modelFile) throws IOException {
        return ModelFile.read(modelFile, false, new Configuration()).model().graph().params();
    }

    @Test
    void divergingTrainingStopsClearlyAndKeepsTheLastGoodCheckpoint() throws Exception {
        String out = dir.resolve("diverge").toString();
        // no clipping and an absurd learning rate: parameters overflow within the first epoch
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                () -> train(out, false, List.of("train.lr=1e30", "train.end_lr=0", "train.grad_clip=0")));
        assertTrue(e.getMessage().contains("epoch 1"), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoint"), e.getMessage());
        assertTrue(!Files.exists(Path.of(out, "model.zip")), "no model that looks trained");
    }
}
