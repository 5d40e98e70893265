package io.vilspark.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.vilspark.data.DatasetManifest;
import io.vilspark.registry.ModelRegistry;
import io.vilspark.registry.ModelVersion;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.MiniHdfs;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vil retrain with data, holdout and registry on a real HDFS: a first version, then a fine-tune on the new
 * partition only ({@code --train-on new}), promoted; then nothing to do.
 */
@IntegrationTest
class RetrainHdfsTest {
    @TempDir
    Path base;

    @Test
    void retrainsWithEverythingOnHdfs() throws Exception {
        FashionMnistShards.assumeInstalled();
        try (MiniHdfs hdfs = new MiniHdfs(base)) {
            SparkSession spark = LocalSpark.session();
            FileSystem fs = hdfs.fileSystem();
            String data = hdfs.uri("/landing/fm");
            String holdout = FashionMnistShards.prepare(spark, hdfs.uri("/datasets/holdout"), 256);
            FashionMnistShards.prepare(spark, data + "/a", 256);
            String registry = hdfs.uri("/models/fm");
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            RetrainJob job = new RetrainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8), step -> { });

            RetrainJob.Result first = job.run(settings(registry, data, holdout, RetrainJob.TrainOn.NEW));
            assertEquals(RetrainJob.Outcome.PROMOTED, first.outcome(), log.toString());

            FashionMnistShards.prepare(spark, data + "/b", 320);
            RetrainJob.Result second = job.run(settings(registry, data, holdout, RetrainJob.TrainOn.NEW));
            assertEquals(RetrainJob.Outcome.PROMOTED, second.outcome(), log.toString());
            ModelRegistry r = new ModelRegistry(registry, fs.getConf());
            assertEquals("v0002", r.champion().orElseThrow().version());
            ModelVersion v2 = r.require("v0002");
            assertEquals(List.of("b"), v2.trainedOn().stream().map(ModelVersion.Partition::name).toList(),
                    "--train-on new: the new partition only");
            assertEquals(List.of("a", "b"), v2.seen());
            assertEquals(registry + "/versions/v0002/model.zip", v2.model());
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path(v2.model())));
            // the union the challenger was trained on: the new partition's rows, the champion's normalisation
            DatasetManifest union = DatasetManifest.read(registry + "/runs/" + second.runId() + "/data", fs.getConf());
            assertEquals(320L, union.rows().get("train"));
            assertTrue(log.toString().contains("starting from the parameters of " + registry + "/versions/v0001/model.zip"),
                    log.toString());

            RetrainJob.Result idle = job.run(settings(registry, data, holdout, RetrainJob.TrainOn.NEW));
            assertEquals(RetrainJob.Outcome.NOTHING_TO_DO, idle.outcome());
            assertFalse(fs.exists(new org.apache.hadoop.fs.Path(registry + "/" + RetrainLock.FILE_NAME)));
        }
    }

    private static RetrainJob.Settings settings(String registry, String data, String holdout, RetrainJob.TrainOn on) {
        return new RetrainJob.Settings(registry, data, holdout, "val", null, "demo", FashionMnistShards.SMALL_RECIPE, 1,
                -1.0, on, Duration.ofHours(1));
    }
}
