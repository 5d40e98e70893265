package io.vilspark.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's runtime SameDiff layer with its backward pass made exact.
 *
 * <p>In DL4J 1.0.0-M2.1 every gradient that leaves a SameDiff layer is twice the true value
 * (the external-errors op adds the incoming gradient to itself; see shared/STACK.md, trap 1).
 * Backprop is linear in the incoming gradient, so scaling it by the measured factor before the
 * layer's own backward pass fixes parameter gradients and the gradient passed down alike.
 * The factor is measured once per JVM by {@link SameDiffGradientProbe}, so a fixed ND4J turns
 * the correction off by itself.
 */
public class CorrectedSameDiffLayer extends SameDiffLayer {

    public CorrectedSameDiffLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** True while {@code maskArray} holds this layer's own drop-path mask (not a user mask). */
    private boolean dropPathMaskSet;

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        applyDropPath(training);
        INDArray out = super.activate(training, workspaceMgr);
        if (OpTimings.ENABLED && !sameDiff.getListeners().contains(OpTimings.INSTANCE)) {
            sameDiff.addListeners(OpTimings.INSTANCE);
        }
        return out;
    }

    /**
     * Drop path rides on DL4J's mask input (unused otherwise): a fresh per-sample mask for each
     * training forward pass, kept for its backward pass; none (all ones) for inference.
     */
    private void applyDropPath(boolean training) {
        if (!(layerConf() instanceof DropPath.Droppable d) || d.getDropPath() <= 0) {
            return;
        }
        if (training) {
            maskArray = DropPath.keepMask((int) input.size(0), d.getDropPath(), Nd4j.getRandom(), input.dataType());
            dropPathMaskSet = true;
        } else if (dropPathMaskSet) {
            maskArray = null;
            dropPathMaskSet = false;
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        double factor = SameDiffGradientProbe.gradientFactor();
        INDArray corrected = factor == 1.0 ? epsilon : epsilon.div(factor);
        boolean firstBackward = sameDiff == null || !sameDiff.hasGradientFunction();
        if (firstBackward) {
            // building the gradient graph prints one line per op on System.out (STACK.md trap 8)
            return QuietStdout.call(() -> super.backpropGradient(corrected, workspaceMgr));
        }
        return super.backpropGradient(corrected, workspaceMgr);
    }
}
