package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** SiLU, {@code x * sigmoid(x)}, computed in Java ({@link VectorLoops#silu}); its gradient is {@link SiLUGradientOp}. */
public final class SiLUOp extends JavaKernelOp {

    public SiLUOp() {
    }

    SiLUOp(SameDiff sd, SDVariable x) {
        super(sd, new SDVariable[] {x});
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        VectorLoops.silu(bytes(in[0]), bytes(out[0]), Math.toIntExact(in[0].length()));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        return List.of(new SiLUGradientOp(sameDiff, arg(0), gradients.get(0)).outputVariable());
    }
}
