package io.vilspark.train;

import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Synchronous training steps ({@code train.sync = gradients}), one Spark job each in the job group
 * {@link ParameterAveraging#JOB_GROUP}: the driver broadcasts the parameters, every worker computes the
 * gradient of its minibatch ({@link GradientWorker}), {@code treeAggregate} sums the gradients, and the
 * driver applies one update with the sum ({@link SummedGradientUpdate}). N workers with minibatch b thus
 * train as one worker with minibatch N x b: the same clipping, Adam state, step counter and schedule.
 */
final class GradientSteps {
    private final JavaSparkContext spark;
    private final GlobalGradientNormClipping clipping;
    private final List<GraphTrainingHook> hooks;
    private final TrainingMetricsSource metrics;

    /**
     * @param clipping the recipe's clipping, applied on the driver to the summed gradient; null for none
     * @param hooks    called on the workers around every minibatch's gradient
     * @param metrics  told of every finished step; null for none
     */
    GradientSteps(JavaSparkContext spark, GlobalGradientNormClipping clipping, List<GraphTrainingHook> hooks,
                  TrainingMetricsSource metrics) {
        this.spark = spark;
        this.clipping = clipping;
        this.hooks = hooks;
        this.metrics = metrics;
    }

    /** Step {@code step} of {@code plan} (one minibatch per worker per step) on {@code graph}, in place. */
    GradientSums step(ComputationGraph graph, JavaRDD<DataSet> minibatches, RoundPlan plan, int step,
                      String description) {
        long t0 = System.nanoTime();
        Broadcast<ModelState> start = spark.broadcast(ModelState.paramsOf(graph));
        spark.setJobGroup(ParameterAveraging.JOB_GROUP, description, false);
        try {
            GradientSums sums = minibatches.mapPartitionsWithIndex(new GradientWorker(start, plan, step, hooks), true)
                    .treeAggregate(new GradientSums(), GradientSums::add, GradientSums::add);
            if (sums.images() > 0) {
                SummedGradientUpdate.apply(graph, sums.gradient(), sums.images(), clipping);
            }
            if (metrics != null && sums.minibatches() > 0) {
                metrics.roundDone(sums.images(), sums.lossSum() / sums.minibatches(), (System.nanoTime() - t0) / 1e9);
            }
            return sums;
        } finally {
            spark.clearJobGroup();
            start.destroy();
        }
    }
}
