package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.vilspark.registry.ModelFile;
import io.vilspark.testing.CrashAtStep;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.WorkerSnapshots.Snapshot;
import io.vilspark.testing.WorkerSnapshots;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vil train with two workers under parameter averaging (Spark local[2]: two task slots), checked on the
 * workers' own models, which a {@link WorkerSnapshots} hook reports back from every minibatch.
 */
@IntegrationTest
class TwoWorkerTrainingTest {
    /**
     * 256 images in minibatches of 16 on 2 workers, averaged every 2: 4 averaging rounds of each epoch. The workers' shares follow the Parquet files (not exactly 128 each), so a worker may train
     * more than 2 minibatches in a round, and an epoch may take more than 8 steps.
     */
    static final int ROUNDS_PER_EPOCH = 4;
    static final int STEPS_PER_EPOCH = 8;
    static final int IMAGES = 256;

    @TempDir
    static Path dir;
    static SparkSession spark;
    static String data;

    @BeforeAll
    static void prepareData() throws Exception {
        FashionMnistShards.assumeInstalled();
        spark = LocalSpark.session();
        data = FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), IMAGES);
    }

    static List<String> twoWorkers() {
        List<String> overrides = new ArrayList<>(FashionMnistShards.SMALL_RECIPE);
        overrides.add("train.workers=2");
        return overrides;
    }

    static TrainJob.Result train(String out, boolean resume, List<? extends GraphTrainingHook> hooks, PrintStream log)
            throws IOException {
        return new TrainJob(spark, log, hooks).run(new TrainJob.Settings(data, out, "demo", twoWorkers(), resume));
    }

    @Test
    void afterEveryAveragingRoundTheModelIsTheMeanOfTheTwoWorkers() throws Exception {
        CollectionAccumulator<Snapshot> snapshots = spark.sparkContext().collectionAccumulator("worker snapshots");
        String out = dir.resolve("averaging").toString();
        CollectionAccumulator<Long> sizes = spark.sparkContext().collectionAccumulator("minibatch sizes");
        TrainingProgress progress = new TrainingProgress(quiet(), 3600);
        spark.sparkContext().addSparkListener(progress);
        TrainJob.Result result;
        try {
            result = train(out, false, List.of(new WorkerSnapshots(snapshots), new EpochCoverageTest.MinibatchSizes(sizes)),
                    quiet());
        } finally {
            spark.sparkContext().removeSparkListener(progress);
            progress.close();
        }
        assertEquals(2L * IMAGES, sizes.value().stream().mapToLong(Long::longValue).sum(),
                "both epochs trained every image once, over both workers");
        assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty(),
                "no epoch's minibatches (nor the validation data) stay cached after training: "
                        + spark.sparkContext().getPersistentRDDs());
        // the driver's progress counts the rounds, not the jobs that count data or evaluate
        assertEquals(2 * ROUNDS_PER_EPOCH, progress.roundsDone(), "rounds counted by the progress line");

        // Spark stage ids grow with submission: one training stage per averaging round, in order
        TreeMap<Integer, Map<Integer, List<Snapshot>>> rounds = snapshots.value().stream().collect(Collectors.groupingBy(
                Snapshot::stage, TreeMap::new, Collectors.groupingBy(Snapshot::partition)));
        assertEquals(2 * ROUNDS_PER_EPOCH, rounds.size(), "averaging rounds with training on the workers");
        assertEquals(Set.of(InPlaceGraphUpdater.class.getName()),
                snapshots.value().stream().map(Snapshot::updaterClass).collect(Collectors.toSet()),
                "the workers' networks update in place (InPlaceGraphUpdater)");

        Snapshot average = null;
        int round = 0;
        int driverStep = 0;
        for (Map<Integer, List<Snapshot>> workers : rounds.values()) {
            round++;
            assertEquals(Set.of(0, 1), workers.keySet(), "both workers trained in round " + round);
            List<Snapshot> ends = new ArrayList<>();
            for (List<Snapshot> worker : workers.values()) {
                Snapshot start = worker.stream().filter(s -> !s.after()).min(Comparator.comparingInt(Snapshot::iteration))
                        .orElseThrow();
                Snapshot end = worker.stream().filter(Snapshot::after).max(Comparator.comparingInt(Snapshot::iteration))
                        .orElseThrow();
                // the learning-rate schedule and Adam's bias correction count these steps (ModelState carries the driver's step)
                assertEquals(driverStep, start.iteration(), "round " + round + "'s workers continue the driver's step");
                long minibatches = worker.stream().filter(Snapshot::after).count();
                assertEquals(start.iteration() + minibatches, end.iteration(),
                        "a step per minibatch of worker " + start.partition() + " in round " + round);
                if (average != null) {
                    String what = "round " + round + ", worker " + start.partition() + " starts from the average of round "
                            + (round - 1);
                    assertMean(average.params(), start.params(), what + " (parameters)");
                    assertMean(average.updater(), start.updater(), what + " (Adam's state)");
                }
                ends.add(end);
            }
            // different minibatches, different gradients: Adam's moments differ even where the schedule's
            // learning rate is too small to move the parameters much (the end of the cosine)
            double apart = fractionApart(ends.get(0).updater(), ends.get(1).updater());
            assertTrue(apart > 0.5, "round " + round + ": the two workers' models are distinct (Adam's state differs in "
                    + apart + " of its elements); otherwise either one would pass as the mean");
            average = mean(ends.get(0), ends.get(1));
            // the driver goes on from the furthest worker
            driverStep = ends.stream().mapToInt(Snapshot::iteration).max().orElseThrow();
        }
        assertEquals(driverStep, result.last().step(), "the driver's step after the last round");
        assertTrue(driverStep >= 2 * STEPS_PER_EPOCH, "at least ceil(256 / 32) steps per epoch: " + driverStep);

        // the driver's model after the last round is what the epoch-2 checkpoint holds
        ComputationGraph driver = ModelFile.read(out + "/checkpoints/epoch-0002.zip", true, new Configuration())
                .model().graph();
        assertMean(average.params(), driver.params().data().asFloat(), "the driver's parameters after the last round");
        assertMean(average.updater(), driver.getUpdater().getStateViewArray().data().asFloat(),
                "the driver's Adam state after the last round");
    }

    @Test
    void aRunStoppedInEpoch2ResumesFromTheStepOfEpoch1AndEndsInTheSameAccuracyBand() throws Exception {
        TrainJob.Result uninterrupted = train(dir.resolve("uninterrupted").toString(), false, List.of(), quiet());

        // the same run, its workers killed in the second round of epoch 2
        String out = dir.resolve("crashed").toString();
        Exception crash = assertThrows(Exception.class,
                () -> new TrainJob(spark, quiet(), List.of(new CrashAtStep(STEPS_PER_EPOCH + 2)))
                        .run(new TrainJob.Settings(data, out, "demo", twoWorkers(), false)));
        assertTrue(ExceptionUtils.getStackTrace(crash).contains(CrashAtStep.MESSAGE), ExceptionUtils.getStackTrace(crash));
        assertTrue(Files.exists(Path.of(out, "checkpoints", "epoch-0001.zip")));
        assertFalse(Files.exists(Path.of(out, "checkpoints", "epoch-0002.zip")));
        assertFalse(Files.exists(Path.of(out, "model.zip")));
        CheckpointStore.Checkpoint last = new CheckpointStore(out, new Configuration()).newestReadable(msg -> {
        }).orElseThrow();
        assertEquals(1, last.epoch());
        assertEquals(uninterrupted.epochs().get(0).step(), last.step(), "the checkpoint holds the step epoch 1 ended at");

        CollectionAccumulator<Snapshot> snapshots = spark.sparkContext().collectionAccumulator("resumed workers");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainJob.Result resumed = train(out, true, List.of(new WorkerSnapshots(snapshots)),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        String printed = log.toString(StandardCharsets.UTF_8);
        long epochOneSteps = uninterrupted.epochs().get(0).step();
        assertTrue(printed.contains("resuming after epoch 1 (step " + epochOneSteps + ")"), printed);
        int firstStep = snapshots.value().stream().mapToInt(Snapshot::iteration).min().orElseThrow();
        assertEquals(epochOneSteps, firstStep, "the workers' first minibatch after the resume is epoch 2's first step");
        assertEquals(Set.of(0, 1), snapshots.value().stream().map(Snapshot::partition).collect(Collectors.toSet()),
                "both workers trained after the resume");

        assertEquals(2, resumed.epochs().size(), "epoch 1 from the log, epoch 2 trained again");
        assertEquals(uninterrupted.last().step(), resumed.last().step(), "the resumed run ends at the same step");
        double top1 = resumed.last().valTop1();
        assertTrue(top1 > 0.3, "a learning model beats chance (0.1) on Fashion-MNIST: " + top1);
        assertEquals(uninterrupted.last().valTop1(), top1, 0.05,
                "the resumed run ends in the uninterrupted run's accuracy band (validation top-1)");
        assertTrue(Files.exists(Path.of(out, "checkpoints", "epoch-0002.zip")));
        assertTrue(Files.exists(Path.of(out, "model.zip")));
    }

    /** The element-wise mean of two workers' final models, as a snapshot (stage and partition unused). */
    private static Snapshot mean(Snapshot a, Snapshot b) {
        return new Snapshot(-1, -1, a.iteration(), true, mean(a.params(), b.params()), mean(a.updater(), b.updater()),
                a.updaterClass());
    }

    private static float[] mean(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float[] m = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            m[i] = (float) (((double) a[i] + b[i]) / 2); // exact in double, one rounding to float
        }
        return m;
    }

    /** Within float rounding: the driver sums in float, then divides. */
    private static void assertMean(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-6 * Math.abs(expected[i]) + 1e-12;
            if (Math.abs(expected[i] - actual[i]) > tolerance) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", the mean of the workers is "
                        + expected[i]);
            }
        }
        assertTrue(expected.length > 0, what + ": nothing to compare");
    }

    /** The fraction of elements where the two differ by more than 1e-4 relative: far beyond float rounding. */
    private static double fractionApart(float[] a, float[] b) {
        int apart = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > 1e-4 * Math.max(Math.abs(a[i]), Math.abs(b[i]))) {
                apart++;
            }
        }
        return (double) apart / a.length;
    }

    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
