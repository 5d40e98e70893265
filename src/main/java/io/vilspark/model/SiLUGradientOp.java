package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The gradient of {@link SiLUOp}: inputs x and the output's gradient, output x's gradient. */
public final class SiLUGradientOp extends JavaKernelOp {
    static final String NAME = "vil_silu_bp";

    public SiLUGradientOp() {
    }

    SiLUGradientOp(SameDiff sd, SDVariable x, SDVariable outputGradient) {
        super(sd, new SDVariable[] {x, outputGradient});
    }

    @Override
    public String opName() {
        return NAME;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    protected long[][] outputShapes(long[][] inputShapes) {
        return new long[][] {inputShapes[0]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        sameLength(in[0], in[1]);
        VectorLoops.siluGradient(bytes(in[0]), bytes(in[1]), bytes(out[0]), Math.toIntExact(in[0].length()));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        throw new UnsupportedOperationException("second derivatives of SiLU are not needed");
    }
}
