package io.vilspark.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.vilspark.data.read.ReadMode;
import io.vilspark.data.read.ShardDatasets;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLGraph;
import io.vilspark.train.GraphTrainingHook;
import io.vilspark.train.ParameterAveraging;
import io.vilspark.train.RecipeFile;
import io.vilspark.train.TrainingGraph;
import io.vilspark.train.TrainingRecipe;
import io.vilspark.train.WorkerFitTimer;
import io.vilspark.train.WorkerThreads;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * Training speed under parameter averaging for a number of workers ({@code vil bench-train}), and where the
 * time goes: the workers fitting minibatches, or the rest of each averaging round.
 *
 * <p>Each measurement trains a fresh network (same seed) with the demo recipe's optimizer, through
 * {@link ParameterAveraging} as {@code vil train} does: {@code warmupRounds} untimed rounds, then
 * {@code rounds} timed ones. The minibatches are read, augmented and cached on the executors before the
 * clock starts, exactly {@code averagingFrequency} per worker and round, so every worker does the same work
 * whatever the worker count (the reader has its own benchmark, {@code vil bench-data read}).
 */
public final class AveragingBenchmark {
    /**
     * @param data               prepared dataset; its train split is read
     * @param model              the architecture
     * @param batchPerWorker     images per minibatch on one worker
     * @param averagingFrequency minibatches per worker between two averagings
     * @param rounds             timed averaging rounds
     * @param warmupRounds       untimed rounds first (JIT, native libraries, caches)
     * @param seed               initialisation and data order
     */
    public record Plan(String data, ViLConfig model, int batchPerWorker, int averagingFrequency, int rounds,
                       int warmupRounds, long seed) {
    }

    /**
     * One timed run.
     *
     * @param seconds    wall time of the timed rounds on the driver
     * @param fitSeconds of those, the time the workers spent fitting (per round the slowest worker)
     */
    public record Measurement(int workers, int rounds, long images, double seconds, double fitSeconds,
                              RoundTimeline.Breakdown breakdown) {
        public double imagesPerSecond() {
            return images / seconds;
        }

        /** The share of the wall time the workers spent in forward, backward and update. */
        public double fitShare() {
            return Math.min(1, fitSeconds / seconds);
        }

        /**
         * The rest of each round: broadcasting the model, rebuilding it on every worker, sending parameters
         * and updater state back, summing and dividing them on the driver, and Spark's scheduling.
         */
        public double averagingShare() {
            return 1 - fitShare();
        }
    }

    private final SparkSession spark;
    private final Plan plan;

    public AveragingBenchmark(SparkSession spark, Plan plan) {
        if (plan.batchPerWorker() < 1 || plan.averagingFrequency() < 1 || plan.rounds() < 1 || plan.warmupRounds() < 0) {
            throw new IllegalArgumentException("batch, averaging frequency and rounds must be at least 1: " + plan);
        }
        this.spark = spark;
        this.plan = plan;
    }

    /** The demo recipe's optimizer, for {@code workers} workers of this plan's batch and averaging frequency. */
    public TrainingRecipe recipe(int workers) {
        return RecipeFile.load("demo", List.of("train.workers=" + workers,
                "train.global_batch=" + (long) workers * plan.batchPerWorker(), "train.batch_per_worker=0",
                "train.averaging_frequency=" + plan.averagingFrequency(), "train.seed=" + plan.seed())).recipe();
    }

    public Measurement measure(int workers) throws IOException {
        TrainingRecipe recipe = recipe(workers);
        int steps = (plan.warmupRounds() + plan.rounds()) * plan.averagingFrequency();
        ComputationGraph graph = ViLGraph.newNetwork(TrainingGraph.configuration(plan.model(), recipe, steps, plan.seed()));
        List<JavaRDD<DataSet>> cached = new ArrayList<>();
        try {
            if (plan.warmupRounds() > 0) {
                JavaRDD<DataSet> warmup = minibatches(workers, plan.warmupRounds(), recipe);
                cached.add(warmup);
                new ParameterAveraging(spark, recipe, workerThreads()).trainEpoch(graph, warmup, "bench warm-up");
            }
            JavaRDD<DataSet> timed = minibatches(workers, plan.rounds(), recipe);
            cached.add(timed);
            CollectionAccumulator<WorkerFitTimer.Fit> fits = spark.sparkContext().collectionAccumulator("bench-train fits");
            List<GraphTrainingHook> hooks = new ArrayList<>(workerThreads());
            hooks.add(new WorkerFitTimer(fits));
            ParameterAveraging averaging = new ParameterAveraging(spark, recipe, hooks);
            RoundTimeline timeline = new RoundTimeline();
            spark.sparkContext().addSparkListener(timeline);
            double seconds;
            try {
                long t0 = System.nanoTime();
                averaging.trainEpoch(graph, timed, "bench");
                seconds = (System.nanoTime() - t0) / 1e9;
                awaitEvents(timeline, plan.rounds(), workers);
            } finally {
                spark.sparkContext().removeSparkListener(timeline);
            }

            WorkerFitTimer.Summary s = WorkerFitTimer.Summary.of(fits.value());
            if (s.rounds() != plan.rounds() || s.fewestWorkers() != workers) {
                throw new IllegalStateException("expected " + plan.rounds() + " averaging rounds of " + workers
                        + " workers each, the workers reported " + s.rounds() + " rounds with as few as "
                        + s.fewestWorkers() + " workers (fewer task slots than workers?)");
            }
            long images = (long) workers * plan.batchPerWorker() * plan.averagingFrequency() * plan.rounds();
            return new Measurement(workers, s.rounds(), images, seconds, s.fitSeconds(), timeline.breakdown(seconds));
        } finally {
            cached.forEach(JavaRDD::unpersist);
        }
    }

    /** Spark's listener bus delivers events after the job returns: waits (at most 10 s) for the rounds' last ones. */
    private static void awaitEvents(RoundTimeline timeline, int rounds, int workers) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            int[] seen = timeline.seen();
            if (seen[0] >= rounds && seen[1] >= rounds * workers) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** On a cluster, each worker's minibatches split over its task's cores, as vil train does there. */
    private List<GraphTrainingHook> workerThreads() {
        return spark.sparkContext().isLocal() ? List.of()
                : List.of(new WorkerThreads(spark.sparkContext().conf().getInt("spark.task.cpus", 1)));
    }

    /**
     * Exactly {@code rounds x averagingFrequency} full minibatches in each of {@code workers} partitions, cached
     * as training caches an epoch's minibatches: what each worker trains. The train split's minibatches are repeated when
     * it holds fewer.
     */
    private JavaRDD<DataSet> minibatches(int workers, int rounds, TrainingRecipe recipe) throws IOException {
        int batch = plan.batchPerWorker();
        long total = (long) workers * rounds * plan.averagingFrequency();
        JavaRDD<DataSet> pool = ShardDatasets.read(spark, plan.data(), "train", plan.model(), recipe.readerConfig(),
                ReadMode.TRAIN, 0).filter(ds -> ds.numExamples() == batch);
        pool.persist(StorageLevel.MEMORY_ONLY_SER());
        try {
            long available = pool.count();
            if (available == 0) {
                throw new IllegalArgumentException(plan.data() + "/train holds no full minibatch of " + batch + " images");
            }
            // position p of the total goes to worker p % workers (HashPartitioner of a Long key)
            JavaRDD<DataSet> spread = pool.zipWithIndex()
                    .flatMapToPair(t -> {
                        List<Tuple2<Long, DataSet>> copies = new ArrayList<>();
                        for (long p = t._2(); p < total; p += available) {
                            copies.add(new Tuple2<>(p, t._1()));
                        }
                        return copies.iterator();
                    })
                    .partitionBy(new HashPartitioner(workers))
                    .values();
            spread.persist(StorageLevel.MEMORY_ONLY_SER());
            spread.count();
            return spread;
        } finally {
            pool.unpersist();
        }
    }
}
