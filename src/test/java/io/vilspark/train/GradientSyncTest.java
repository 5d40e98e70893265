package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.vilspark.model.ViLGraph;
import io.vilspark.testing.CliRun;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TinyVil;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

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

    /** Records, on the workers, the Spark job (group and description) of every minibatch and its size. */
    static final class JobOfMinibatch extends GraphTrainingHook {
        private static final long serialVersionUID = 1L;
        private final CollectionAccumulator<String> jobs;
        private final CollectionAccumulator<Long> sizes;

        JobOfMinibatch(CollectionAccumulator<String> jobs, CollectionAccumulator<Long> sizes) {
            this.jobs = jobs;
            this.sizes = sizes;
        }

        @Override
        protected void after(ComputationGraph graph, MultiDataSet minibatch) {
            TaskContext task = TaskContext.get();
            jobs.add(task.getLocalProperty("spark.jobGroup.id") + ": " + task.getLocalProperty("spark.job.description"));
            sizes.add(minibatch.getFeatures(0).size(0));
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
        CollectionAccumulator<String> jobs = sc.sc().collectionAccumulator("jobs");
        CollectionAccumulator<Long> sizes = sc.sc().collectionAccumulator("sizes");
        ParameterAveraging.EpochTraining epoch = new ParameterAveraging(spark, recipe, List.of(),
                List.of(new JobOfMinibatch(jobs, sizes))).trainEpoch(driver, sc.parallelize(partitions, 2), "epoch 1/1");

        InPlaceGraphUpdater.install(single);
        NormProbe probe = new NormProbe();
        single.setListeners(probe, new GlobalGradientNormClipping(clip));
        for (int s = 0; s < STEPS; s++) {
            single.fit(DataSet.merge(List.of(first.get(s), second.get(s))));
        }

        assertEquals(STEPS, epoch.rounds(), "one Spark job per step");
        assertEquals(IntStream.rangeClosed(1, STEPS).mapToObj(s -> "vil-train: train epoch 1/1, step " + s + "/" + STEPS)
                .collect(Collectors.toCollection(TreeSet::new)), new TreeSet<>(jobs.value()), "the steps' jobs");
        assertEquals(2 * STEPS, jobs.value().size(), "both workers in every step's job");
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
    void vilTrainSumsGradientsEveryStepAndTrainsEveryImageOnce(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.session();
        int images = 64;
        String data = FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), images);
        List<String> overrides = new ArrayList<>(FashionMnistShards.SMALL_RECIPE);
        overrides.addAll(List.of("train.epochs=1", "train.workers=2", "train.sync=gradients"));
        CollectionAccumulator<String> jobs = spark.sparkContext().collectionAccumulator("jobs");
        CollectionAccumulator<Long> sizes = spark.sparkContext().collectionAccumulator("sizes");
        TrainJob.Result result = new TrainJob(spark, new PrintStream(new ByteArrayOutputStream()),
                List.of(new JobOfMinibatch(jobs, sizes)))
                .run(new TrainJob.Settings(data, dir.resolve("run").toString(), "demo", overrides, false));

        assertEquals(images, sizes.value().stream().mapToLong(Long::longValue).sum(), "every image once");
        Set<String> steps = new TreeSet<>(jobs.value());
        assertEquals(steps.size(), result.last().step(), "one update per step job: " + steps);
        assertTrue(steps.stream().allMatch(j -> j.matches("vil-train: train epoch 1/1, step \\d+/" + steps.size())), steps::toString);
        assertTrue(Double.isFinite(result.last().trainLoss()), result.last()::toString);
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
