package io.vilspark.train;

import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Synchronous training steps ({@code train.sync = gradients}), one Spark job each (run by
 * {@link ParameterAveraging} in its job group): the driver broadcasts the parameters, every worker computes the
 * gradient of its minibatch ({@link GradientWorker}), {@code treeAggregate} sums the gradients, and the
 * driver applies one update with the sum ({@link SummedGradientUpdate}). N workers with minibatch b thus
 * train as one worker with minibatch N x b: the same clipping, Adam state, step counter and schedule.
 */
final class GradientSteps {
    private final JavaSparkContext spark;
    private final GlobalGradientNormClipping clipping;
    private final List<GraphTrainingHook> hooks;
    private final int depth;

    /**
     * @param clipping the recipe's clipping, applied on the driver to the summed gradient; null for none
     * @param hooks    called on the workers around every minibatch's gradient
     * @param depth    levels of the {@code treeAggregate} that sums the gradients
     */
    GradientSteps(JavaSparkContext spark, GlobalGradientNormClipping clipping, List<GraphTrainingHook> hooks, int depth) {
        this.spark = spark;
        this.depth = depth;
        this.clipping = clipping;
        this.hooks = hooks;
    }

    /** Step {@code step} of {@code plan} (one minibatch per worker per step) on {@code graph}, in place. */
    GradientSums step(ComputationGraph graph, JavaRDD<DataSet> minibatches, RoundPlan plan, int step) {
        Broadcast<ModelState> start = spark.broadcast(ModelState.paramsOf(graph));
        try {
            GradientSums sums = minibatches.mapPartitionsWithIndex(new GradientWorker(start, plan, step, hooks), true)
                    .treeAggregate(new GradientSums(), GradientSums::add, GradientSums::add, depth);
            if (sums.images() > 0) {
                SummedGradientUpdate.apply(graph, sums.gradient(), sums.images(), clipping);
            }
            return sums;
        } finally {
            start.destroy();
        }
    }
}
