package io.vilspark.train;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Parameter averaging on Spark's own API, as {@code vil train} and {@code vil bench-train} run it. Per
 * averaging round the driver broadcasts the network's parameters, updater state and step counter; every
 * worker (a partition of the epoch's minibatches) trains its share of the round on its executor's cached
 * network ({@link AveragingWorker}); {@code treeAggregate} sums what they return, and the driver divides
 * and goes on from the step of the worker that took the most. Each round is one Spark job in the job group
 * {@link #JOB_GROUP}, described as {@code train epoch E/N, round R/M}.
 *
 * <p>With {@code train.sync = gradients} every step is such a job instead ({@link GradientSteps}), described
 * as {@code train epoch E/N, step S/M}: the workers send gradients and the driver applies one update.
 */
public final class ParameterAveraging {
    /** The Spark job group of every averaging round (cancel it to stop a run's training). */
    public static final String JOB_GROUP = "vil-train";

    /** What one epoch's training did. */
    public record EpochTraining(int rounds, long minibatches, long images, double meanLoss) {
    }

    private final JavaSparkContext spark;
    private final TrainingRecipe recipe;
    private final List<TrainingListener> listeners;
    private final List<GraphTrainingHook> hooks;
    private TrainingMetricsSource metrics;

    /**
     * @param listeners DL4J listeners set on each worker's network, in this order (serializable: they travel
     *                  with the round's tasks); {@link #listenersOf} gives the recipe's. Averaging only: when
     *                  gradients are synchronised, the driver clips the summed gradient as the recipe says
     * @param hooks     called on the workers before and after every minibatch
     */
    public ParameterAveraging(SparkSession spark, TrainingRecipe recipe, List<? extends TrainingListener> listeners,
                              List<? extends GraphTrainingHook> hooks) {
        this.spark = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.recipe = recipe;
        this.listeners = List.copyOf(listeners);
        this.hooks = List.copyOf(hooks);
    }

    /** Training as the recipe says, with its listeners ({@link #listenersOf}). */
    public ParameterAveraging(SparkSession spark, TrainingRecipe recipe, List<? extends GraphTrainingHook> hooks) {
        this(spark, recipe, listenersOf(recipe), hooks);
    }

    /** Reports every finished round to {@code metrics} (Spark's metrics system) as well. */
    void reportTo(TrainingMetricsSource metrics) {
        this.metrics = metrics;
    }

    /** The worker listeners a recipe asks for: global gradient-norm clipping when {@code train.grad_clip} is set. */
    public static List<TrainingListener> listenersOf(TrainingRecipe recipe) {
        List<TrainingListener> listeners = new ArrayList<>();
        if (recipe.clipsGradients()) {
            listeners.add(new GlobalGradientNormClipping(recipe.gradClip()));
        }
        return listeners;
    }

    /**
     * Trains {@code graph} (the driver's network, updated in place) on every minibatch of {@code minibatches}
     * once, one partition per worker. The minibatches are kept at the recipe's {@code train.data_cache} level
     * while the rounds draw from them, unless the caller cached them already.
     *
     * @param label names the epoch in the rounds' job descriptions, e.g. {@code epoch 3/5}
     */
    public EpochTraining trainEpoch(ComputationGraph graph, JavaRDD<DataSet> minibatches, String label) {
        InPlaceGraphUpdater.install(graph);
        boolean cachedByCaller = !minibatches.getStorageLevel().equals(StorageLevel.NONE());
        StorageLevel level = recipe.dataStorageLevel();
        if (!cachedByCaller && level != null) {
            minibatches.persist(level);
        }
        try {
            spark.setJobDescription("train " + label + ": counting minibatches");
            long[] perWorker = minibatches
                    .mapPartitions(it -> {
                        long n = 0;
                        for (; it.hasNext(); it.next()) {
                            n++;
                        }
                        return List.of(n).iterator();
                    })
                    .collect().stream().mapToLong(Long::longValue).toArray();
            RoundPlan plan = new RoundPlan(perWorker, recipe.minibatchesPerRound());
            GradientSteps steps = recipe.sync() == TrainingSync.GRADIENTS ? new GradientSteps(spark,
                    recipe.clipsGradients() ? new GlobalGradientNormClipping(recipe.gradClip()) : null, hooks,
                    recipe.aggregationDepth()) : null;
            double lossSum = 0;
            long trained = 0;
            long images = 0;
            for (int round = 0; round < plan.rounds(); round++) {
                String description = "train " + label + ", " + (steps == null ? "round " : "step ") + (round + 1) + "/"
                        + plan.rounds();
                long t0 = System.nanoTime();
                spark.setJobGroup(JOB_GROUP, description, false);
                RoundTally sums;
                try {
                    sums = steps == null ? round(graph, minibatches, plan, round) : steps.step(graph, minibatches, plan, round);
                } finally {
                    spark.clearJobGroup();
                }
                if (metrics != null && sums.minibatches() > 0) {
                    metrics.roundDone(sums.images(), sums.lossSum() / sums.minibatches(), (System.nanoTime() - t0) / 1e9);
                }
                lossSum += sums.lossSum();
                trained += sums.minibatches();
                images += sums.images();
            }
            graph.incrementEpochCount();
            return new EpochTraining(plan.rounds(), trained, images, trained == 0 ? Double.NaN : lossSum / trained);
        } finally {
            spark.setJobDescription(null);
            if (!cachedByCaller && level != null) {
                minibatches.unpersist(false);
            }
        }
    }

    private RoundSums round(ComputationGraph graph, JavaRDD<DataSet> minibatches, RoundPlan plan, int round) {
        Broadcast<ModelState> start = spark.broadcast(ModelState.of(graph));
        try {
            AveragingWorker worker = new AveragingWorker(start, plan, round, recipe.batchPerWorker(), recipe.prefetch(),
                    listeners, hooks);
            RoundSums sums = minibatches.mapPartitionsWithIndex(worker, true)
                    .treeAggregate(new RoundSums(), RoundSums::add, RoundSums::add, recipe.aggregationDepth());
            if (sums.workers() > 0) {
                graph.setParams(sums.meanParams());
                INDArray updater = sums.meanUpdaterState();
                if (updater != null) {
                    graph.getUpdater().getStateViewArray().assign(updater);
                }
                graph.getConfiguration().setIterationCount(
                        graph.getConfiguration().getIterationCount() + sums.mostSteps());
            }
            return sums;
        } finally {
            start.destroy();
        }
    }
}
