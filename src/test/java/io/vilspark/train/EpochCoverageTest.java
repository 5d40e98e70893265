package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * An epoch trains on every training image once, also when the epoch's minibatches do not divide into
 * averaging rounds (the number of rounds is rounded down, so a round takes more minibatches than
 * {@code averaging_frequency}), and the step counter counts the steps taken.
 */
@IntegrationTest
class EpochCoverageTest {
    @TempDir
    static Path dir;

    /** Records the size of every minibatch a worker trains on. */
    static final class MinibatchSizes extends GraphTrainingHook {
        private static final long serialVersionUID = 1L;
        private final CollectionAccumulator<Long> sizes;

        MinibatchSizes(CollectionAccumulator<Long> sizes) {
            this.sizes = sizes;
        }

        @Override
        protected void after(ComputationGraph graph, MultiDataSet minibatch) {
            sizes.add(minibatch.getFeatures(0).size(0));
        }
    }

    @Test
    void everyImageOnceAndEveryStepCountedWhenRoundsDoNotDivideTheEpoch() throws Exception {
        SparkSession spark = LocalSpark.session();
        int images = 100;
        String data = FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), images);
        // 100 images in minibatches of 16: 7 minibatches; rounds of 3: 2 rounds of them
        List<String> overrides = new ArrayList<>(List.of("model.dim=16", "model.depth=1", "train.epochs=1",
                "train.global_batch=16", "train.averaging_frequency=3", "train.warmup_epochs=0.5", "train.workers=1"));
        assertNotEquals(0, 7 % 3, "the rounds must not divide the epoch for this test to mean anything");
        CollectionAccumulator<Long> sizes = spark.sparkContext().collectionAccumulator("minibatch sizes");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainJob.Result result = new TrainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8),
                List.of(new MinibatchSizes(sizes)))
                .run(new TrainJob.Settings(data, dir.resolve("run").toString(), "demo", overrides, false));

        assertEquals(images, sizes.value().stream().mapToLong(Long::longValue).sum(), "images trained in the epoch");
        assertEquals(sizes.value().size(), result.last().step(), "steps counted = minibatches trained");
    }
}
