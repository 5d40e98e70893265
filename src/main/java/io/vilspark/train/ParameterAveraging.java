package io.vilspark.train;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/**
 * How a recipe trains on Spark: the network wrapped for DL4J parameter averaging with the recipe's
 * workers, batch per worker, averaging frequency and prefetch, updater state averaged too, workers that
 * keep the driver's step ({@link StepKeepingTrainingMaster}) and global gradient-norm clipping on the
 * workers. Used by {@code vil train} and {@code vil bench-train}, so the benchmark times what training runs.
 */
public final class ParameterAveraging {
    private ParameterAveraging() {
    }

    /**
     * @param data     minibatches of {@code batch_per_worker} images in {@code workers} partitions
     *                 (the reader's RDD in {@code workers} partitions)
     * @param epoch    seeds the split of the data into averaging rounds: a resumed run splits epoch e as an
     *                 uninterrupted one
     * @param hooks    DL4J training hooks to run on the workers around every minibatch
     */
    public static SparkComputationGraph network(JavaSparkContext spark, ComputationGraph graph, TrainingRecipe recipe,
                                                int epoch, List<? extends TrainingHook> hooks) {
        SparkComputationGraph net = new SparkComputationGraph(spark, graph, trainingMaster(recipe, epoch, hooks));
        if (recipe.clipsGradients()) {
            net.setListeners(new GlobalGradientNormClipping(recipe.gradClip()));
        }
        return net;
    }

    private static ParameterAveragingTrainingMaster trainingMaster(TrainingRecipe recipe, int epoch,
                                                                   List<? extends TrainingHook> hooks) {
        // the reader yields minibatches of batch_per_worker already; workers = partitions
        ParameterAveragingTrainingMaster.Builder builder =
                new ParameterAveragingTrainingMaster.Builder(recipe.workers(), recipe.batchPerWorker())
                        .batchSizePerWorker(recipe.batchPerWorker())
                        .averagingFrequency(recipe.averagingFrequency())
                        .workerPrefetchNumBatches(recipe.prefetch())
                        .saveUpdater(true)
                        .rddTrainingApproach(RDDTrainingApproach.Direct)
                        .storageLevel(recipe.dataStorageLevel())
                        .repartionData(Repartition.Never)
                        .rngSeed(recipe.seed() * 1_000_003L + epoch);
        if (!hooks.isEmpty()) {
            builder.trainingHooks(new ArrayList<>(hooks)); // serialisable, goes to the workers
        }
        return new StepKeepingTrainingMaster(builder);
    }
}
