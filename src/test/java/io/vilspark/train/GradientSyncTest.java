package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vilspark.model.ViLGraph;
import io.vilspark.testing.CliRun;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TinyVil;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@code train.sync = gradients}: two workers with minibatch b on Spark train exactly as DL4J's own
 * {@code fit} of one network with minibatch 2b, with Adam, decoupled weight decay, the warm-up + cosine
 * schedule and global-norm clipping that clips on some steps and not on others.
 */
@IntegrationTest
class GradientSyncTest {
    private static final int STEPS = 5;
    private static final int PER_WORKER = 4;
    /** Absolute: parameters of order 0.1-1 that the steps move by more than 1e-3. */
    private static final double TOLERANCE = 1e-6;

    /** Records the norm of the mean gradient before clipping, at every step of the one-worker network. */
    static final class NormProbe extends BaseTrainingListener {
        final List<Double> norms = new ArrayList<>();

        @Override
        public void onGradientCalculation(Model model) {
            norms.add(model.getGradientsViewArray().norm2Number().doubleValue() / model.batchSize());
        }
    }

    @Test
    void twoWorkersSummingGradientsTrainAsOneWorkerWithTheUnionMinibatch() {
        SparkSession spark = LocalSpark.session();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        double clip = 1.08;
        TrainingRecipe recipe = TinyVil.recipe("train.workers=2", "train.global_batch=" + 2 * PER_WORKER,
                "train.sync=gradients", "train.grad_clip=" + clip, "train.lr=1e-2", "train.weight_decay=0.05",
                "train.epochs=1", "train.warmup_epochs=0.4", "train.prefetch=0");
        ComputationGraphConfiguration conf = TrainingGraph.configuration(TinyVil.MODEL, recipe, STEPS, 7);
        ComputationGraph driver = ViLGraph.newNetwork(conf);
        ComputationGraph single = ViLGraph.newNetwork(conf.clone());
        single.setParams(driver.params());
        INDArray start = driver.params().dup();

        // partition 0 holds worker 0's minibatches, partition 1 worker 1's; step s trains the s-th of each
        List<DataSet> first = new ArrayList<>();
        List<DataSet> second = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) {
            first.add(TinyVil.batch(PER_WORKER, 10 + s));
            second.add(TinyVil.batch(PER_WORKER, 50 + s));
        }
        List<DataSet> partitions = new ArrayList<>(first);
        partitions.addAll(second);
        ParameterAveraging.EpochTraining epoch = new ParameterAveraging(spark, recipe, List.of())
                .trainEpoch(driver, sc.parallelize(partitions, 2), "epoch 1/1");

        InPlaceGraphUpdater.install(single);
        NormProbe probe = new NormProbe();
        single.setListeners(probe, new GlobalGradientNormClipping(clip));
        for (int s = 0; s < STEPS; s++) {
            single.fit(DataSet.merge(List.of(first.get(s), second.get(s))));
        }

        assertEquals(STEPS, epoch.rounds(), "one Spark job per step");
        assertEquals(2 * STEPS, epoch.minibatches());
        assertEquals(2L * STEPS * PER_WORKER, epoch.images());
        assertEquals(STEPS, driver.getConfiguration().getIterationCount(), "one update per step");
        assertTrue(probe.norms.stream().anyMatch(n -> n > clip) && probe.norms.stream().anyMatch(n -> n < clip),
                "the threshold clips some steps and not others: " + probe.norms);
        double moved = driver.params().sub(start).amaxNumber().doubleValue();
        assertTrue(moved > 1000 * TOLERANCE, "the steps move the parameters by " + moved);

        double paramsApart = single.params().sub(driver.params()).amaxNumber().doubleValue();
        System.out.printf("gradient sync: max |param difference| %.3g after %d steps (params moved up to %.3g; "
                + "mean-gradient norms before clipping %s)%n", paramsApart, STEPS, moved, probe.norms);
        assertTrue(paramsApart <= TOLERANCE, "parameters differ by up to " + paramsApart);
        double adamApart = single.getUpdater().getStateViewArray().sub(driver.getUpdater().getStateViewArray())
                .amaxNumber().doubleValue();
        assertTrue(adamApart <= TOLERANCE, "Adam's state differs by up to " + adamApart);
        assertFalse(Double.isNaN(epoch.meanLoss()));
    }

    @Test
    void anUnknownSyncModeIsAUsageErrorNamingTheKeyAndTheModes(@TempDir Path dir) {
        LocalSpark.session();
        CliRun run = CliRun.of("train", "--data", dir.resolve("data").toString(), "--out", dir.resolve("out").toString(),
                "--set", "train.sync=bogus");
        assertEquals(64, run.exitCode(), run::toString);
        assertTrue(run.err().contains("train.sync: expected one of parameters | gradients, got bogus"), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
    }
}
