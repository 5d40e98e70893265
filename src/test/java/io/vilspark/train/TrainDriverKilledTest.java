package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.VilChildJvm;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver of {@code vil train} killed with kill -9 during epoch 2, after epoch 1's checkpoint: {@code --resume}
 * in a new process continues from epoch 1 and finishes; what was complete (epoch 1's checkpoint, its metrics
 * line) is byte for byte as before, and no epoch is logged twice.
 */
@IntegrationTest
class TrainDriverKilledTest {
    @TempDir
    Path dir;

    @Test
    void aDriverKilledMidEpochResumesFromItsLastCompleteCheckpoint() throws Exception {
        SparkSession spark = LocalSpark.session();
        String data = FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), 256);
        Path out = dir.resolve("run");
        Path checkpoints = out.resolve("checkpoints");
        List<String> train = new ArrayList<>(List.of("train", "--data", data, "--out", out.toString(), "--recipe", "demo"));
        FashionMnistShards.SMALL_RECIPE.forEach(set -> train.addAll(List.of("--set", set)));

        Process driver = VilChildJvm.start(train, List.of(), dir.resolve("killed.log"));
        try {
            killDuringEpochTwo(driver, checkpoints);
        } finally {
            driver.destroyForcibly();
        }
        assertFalse(Files.exists(checkpoints.resolve("epoch-0002.zip")), "killed in the middle of epoch 2");
        String checkpointOne = DamagedCheckpointResumeTest.sha256(checkpoints.resolve("epoch-0001.zip"));
        List<String> metricsBefore = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(1, metricsBefore.size(), "epoch 1's metrics were written");

        List<String> resume = new ArrayList<>(train);
        resume.add("--resume");
        Path log = dir.resolve("resumed.log");
        Process resumed = VilChildJvm.start(resume, List.of(), log);
        try {
            assertTrue(resumed.waitFor(8, TimeUnit.MINUTES), "the resumed run ends");
        } finally {
            resumed.destroyForcibly();
        }
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, resumed.exitValue(), printed);
        assertTrue(printed.contains("resuming after epoch 1 (step 8) from"), printed);

        assertEquals(checkpointOne, DamagedCheckpointResumeTest.sha256(checkpoints.resolve("epoch-0001.zip")),
                "epoch 1's checkpoint is the same file");
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(2, metrics.size(), "one line per epoch, none twice: " + metrics);
        assertEquals(metricsBefore.get(0), metrics.get(0), "epoch 1's line kept as it was");
        assertTrue(metrics.get(1).contains("\"epoch\":2"), metrics.get(1));
        assertTrue(Files.exists(checkpoints.resolve("epoch-0002.zip")) && Files.exists(out.resolve("model.zip")));
        Matcher accuracy = Pattern.compile("val accuracy: (\\d\\.\\d+) ").matcher(printed);
        assertTrue(accuracy.find(), printed);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.3, "as TrainJobTest's uninterrupted run: " + printed);
    }

    private void killDuringEpochTwo(Process driver, Path checkpoints) throws Exception {
        Path driverLog = dir.resolve("killed.log");
        // the checksum is the last thing written for an epoch: from then on the driver is in epoch 2
        Path epochOneDone = checkpoints.resolve("epoch-0001.zip.sha256");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (!Files.exists(epochOneDone) && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(epochOneDone), "epoch 1 finished:\n" + Files.readString(driverLog));
        Thread.sleep(1500); // into epoch 2's averaging rounds
        VilChildJvm.killHard(driver.pid());
        assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, driver.exitValue(), "killed by SIGKILL");
    }
}
