package io.vilspark.train;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.util.ComputationGraphUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One worker's part of a synchronous step, run by Spark on the executor that holds the partition: the
 * JVM's cached network takes the broadcast parameters and computes the gradient of the worker's share of
 * the step (one minibatch; {@link RoundPlan}) without updating anything, and hands back the gradient
 * summed over the share's images with its loss as {@link GradientSums}. A rerun task computes the same.
 */
final class GradientWorker implements Function2<Integer, Iterator<DataSet>, Iterator<GradientSums>> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<ModelState> start;
    private final RoundPlan plan;
    private final int step;
    private final List<GraphTrainingHook> hooks;

    GradientWorker(Broadcast<ModelState> start, RoundPlan plan, int step, List<GraphTrainingHook> hooks) {
        this.start = start;
        this.plan = plan;
        this.step = step;
        this.hooks = hooks;
    }

    @Override
    public Iterator<GradientSums> call(Integer worker, Iterator<DataSet> minibatches) {
        if (plan.from(worker, step) >= plan.to(worker, step)) {
            return Collections.emptyIterator();
        }
        Iterator<DataSet> share = plan.share(worker, step, minibatches);
        ModelState state = start.value();
        ComputationGraph graph = WorkerNetworks.borrow(state.architecture());
        try {
            state.loadInto(graph);
            GradientSums sums = new GradientSums();
            while (share.hasNext()) {
                MultiDataSet minibatch = ComputationGraphUtil.toMultiDataSet(share.next());
                for (GraphTrainingHook hook : hooks) {
                    hook.before(graph, minibatch);
                }
                INDArray gradient = gradientSum(graph, minibatch);
                sums = sums.add(GradientSums.ofMinibatch(gradient, graph.score(), minibatch.getFeatures(0).size(0)));
                for (GraphTrainingHook hook : hooks) {
                    hook.after(graph, minibatch);
                }
            }
            return List.of(sums).iterator();
        } finally {
            WorkerNetworks.giveBack(state.architecture(), graph);
        }
    }

    /**
     * The gradient of {@code minibatch} as DL4J's {@code fit} computes it before its updater runs (a sum
     * over the minibatch's images), copied out of the network's gradient array, which the next minibatch
     * overwrites.
     */
    private static INDArray gradientSum(ComputationGraph graph, MultiDataSet minibatch) {
        if (graph.getGradientsViewArray() == null) {
            graph.initGradientsView();
        }
        graph.setInputs(minibatch.getFeatures());
        graph.setLabels(minibatch.getLabels());
        graph.setLayerMaskArrays(minibatch.getFeaturesMaskArrays(), minibatch.getLabelsMaskArrays());
        try {
            graph.computeGradientAndScore();
            return graph.getGradientsViewArray().dup();
        } finally {
            graph.clearLayerMaskArrays();
            graph.clearLayersStates();
        }
    }
}
