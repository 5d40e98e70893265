package io.vilspark.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.StepFunction;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One optimizer step of the driver's network with a gradient computed elsewhere, done as DL4J's
 * {@code StochasticGradientDescent} does it after its own backprop: the gradient (summed over the step's
 * images) goes into the network's gradient array, the recipe's global-norm clipping runs where DL4J
 * calls its listeners, the network's updater divides by the image count and turns it into the update
 * (Adam with the step counter and the learning-rate schedule, then decoupled weight decay), the update
 * is subtracted from the parameters and the step counter moves on.
 */
final class SummedGradientUpdate {
    private static final StepFunction STEP = new NegativeGradientStepFunction();

    private SummedGradientUpdate() {
    }

    /**
     * @param gradientSum the gradient summed over {@code images} images (not changed)
     * @param clipping    the recipe's clipping, or null for none
     */
    static void apply(ComputationGraph graph, INDArray gradientSum, long images, GlobalGradientNormClipping clipping) {
        InPlaceGraphUpdater.install(graph);
        INDArray gradient = graph.getGradientsViewArray();
        gradient.assign(gradientSum);
        if (clipping != null) {
            clipping.clip(gradient, images);
        }
        ComputationGraphConfiguration conf = graph.getConfiguration();
        int iteration = conf.getIterationCount();
        int epoch = conf.getEpochCount();
        // the network's own gradient array: the updater takes its standard path (InPlaceGraphUpdater)
        graph.getUpdater().update(new DefaultGradient(gradient), iteration, epoch, Math.toIntExact(images),
                LayerWorkspaceMgr.noWorkspaces());
        INDArray params = graph.params();
        STEP.step(params, gradient.reshape(params.shape()));
        conf.setIterationCount(iteration + 1);
        graph.applyConstraints(iteration + 1, epoch);
    }
}
