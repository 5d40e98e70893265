package io.vilspark.train;

import java.io.Serializable;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Clips the L2 norm of all gradients together, as PyTorch's {@code clip_grad_norm_(params, maxNorm)}:
 * when the norm exceeds {@code maxNorm}, every gradient is scaled by {@code maxNorm / (norm + 1e-6)}.
 * DL4J itself only clips per layer or per param type.
 *
 * <p>It hooks {@code onGradientCalculation}, which DL4J's {@code BaseOptimizer.gradientAndScore} calls
 * after backprop and before {@code updateGradientAccordingToParams} hands the gradient to the updater,
 * and it rescales the model's flattened gradient view in place, so Adam sees the clipped gradient.
 * At that point DL4J's gradient is the sum over the minibatch (the updater divides by the batch size
 * afterwards), so the norm that is compared with {@code maxNorm} is {@code |g| / batchSize}: the norm
 * of the mean gradient, which is what PyTorch clips.
 *
 * <p>Serializable: Spark's {@code ParameterAveragingTrainingMaster} ships its listeners to the
 * executors inside the training worker (Java serialization) and sets them on each worker's network.
 */
public final class GlobalGradientNormClipping extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;
    /** PyTorch's guard against dividing by a zero norm. */
    private static final double EPS = 1e-6;

    private final double maxNorm;
    private double lastNorm = Double.NaN;

    public GlobalGradientNormClipping(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("gradient clipping norm must be > 0, got " + maxNorm);
        }
        this.maxNorm = maxNorm;
    }

    @Override
    public void onGradientCalculation(Model model) {
        clip(model.getGradientsViewArray(), model.batchSize());
    }

    /**
     * Clips, in place, a gradient summed over {@code batchSize} images (DL4J's form before the updater
     * divides it): the norm compared with {@code maxNorm} is that of the mean gradient.
     */
    public void clip(INDArray gradientSum, long batchSize) {
        double norm = gradientSum.norm2Number().doubleValue() / batchSize;
        lastNorm = norm;
        double scale = maxNorm / (norm + EPS);
        // a NaN or infinite norm is left alone: the job's non-finite loss check stops the run
        if (scale < 1) {
            gradientSum.muli(scale);
        }
    }

    public double maxNorm() {
        return maxNorm;
    }

    /** The norm of the mean gradient before clipping, at the last step this JVM saw; NaN before the first. */
    public double lastNorm() {
        return lastNorm;
    }
}
