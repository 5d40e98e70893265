package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import io.vilspark.registry.ModelFile;
import io.vilspark.testing.CrashAtStep;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.MiniHdfs;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vil train against a real HDFS (in-process MiniDFSCluster): shards read from hdfs://, checkpoints,
 * metrics and curves written there, and a crashed run resumed from the checkpoint it left there.
 */
@IntegrationTest
class HdfsTrainTest {
    /** ceil(256 images / (32 x 2 minibatches)) = 4 averaging rounds of 2 steps. */
    static final int STEPS_PER_EPOCH = 8;

    @TempDir
    Path base;

    @Test
    void trainsFromShardsOnHdfsCheckpointsThereAndResumesFromThere() throws Exception {
        FashionMnistShards.assumeInstalled();
        try (MiniHdfs hdfs = new MiniHdfs(base)) {
            SparkSession spark = LocalSpark.session();
            FileSystem fs = hdfs.fileSystem();
            String data = FashionMnistShards.prepare(spark, hdfs.uri("/datasets/fm"), 256);
            String out = hdfs.uri("/runs/fm");
            TrainJob.Settings settings = new TrainJob.Settings(data, out, "demo", FashionMnistShards.SMALL_RECIPE, false);

            // the first run dies during epoch 2: epoch 1's checkpoint and metrics are on HDFS
            Exception crash = assertThrows(Exception.class, () -> new TrainJob(spark, quiet(),
                    List.of(new CrashAtStep(STEPS_PER_EPOCH + 2))).run(settings));
            assertTrue(ExceptionUtils.getStackTrace(crash).contains(CrashAtStep.MESSAGE), ExceptionUtils.getStackTrace(crash));
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + "/checkpoints/epoch-0001.zip")));
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path(out + "/checkpoints/epoch-0002.zip")));
            assertEquals(1, read(fs, out + "/metrics.jsonl").lines().count());

            ByteArrayOutputStream log = new ByteArrayOutputStream();
            TrainJob.Settings resume = new TrainJob.Settings(data, out, "demo", FashionMnistShards.SMALL_RECIPE, true);
            TrainJob.Result result = new TrainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8)).run(resume);
            String printed = log.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("resuming after epoch 1 (step " + STEPS_PER_EPOCH + ") from " + out
                    + "/checkpoints/epoch-0001.zip"), printed);

            assertEquals(2, result.epochs().size());
            assertEquals(2 * STEPS_PER_EPOCH, result.last().step());
            assertTrue(result.last().valTop1() > 0.3, "a learning model beats chance (0.1): " + result.last().valTop1());
            assertEquals(out + "/model.zip", result.model());
            assertEquals(2, read(fs, out + "/metrics.jsonl").lines().count());
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(out + "/checkpoints/epoch-0002.zip")));
            try (InputStream png = fs.open(new org.apache.hadoop.fs.Path(out + "/curves.png"))) {
                assertEquals(1200, ImageIO.read(png).getWidth());
            }
            // the final model reads back from HDFS and carries where it came from
            ModelFile.Loaded model = ModelFile.read(result.model(), false, fs.getConf());
            assertEquals(data, model.metadata().provenance().get("data"));
            assertFalse(Files.exists(Path.of("hdfs:")), "nothing written to a local folder named after the URI");
        }
    }

    private static String read(FileSystem fs, String file) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
