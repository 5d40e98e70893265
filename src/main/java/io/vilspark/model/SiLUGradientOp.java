package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The gradient of {@link SiLUOp}: inputs x and the output's gradient, output x's gradient. */
public final class SiLUGradientOp extends JavaKernelOp {

    public SiLUGradientOp() {
    }

    SiLUGradientOp(SameDiff sd, SDVariable x, SDVariable outputGradient) {
        super(sd, new SDVariable[] {x, outputGradient});
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        sameLength(in[0], in[1]);
        VectorLoops.siluGradient(bytes(in[0]), bytes(in[1]), bytes(out[0]), Math.toIntExact(in[0].length()));
    }
}
