package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The gradient of {@link RunningMaxOp}: inputs x and the maxima's gradient, output x's gradient. */
public final class RunningMaxGradientOp extends JavaKernelOp {

    public RunningMaxGradientOp() {
    }

    RunningMaxGradientOp(SameDiff sd, SDVariable x, SDVariable dm, boolean reverse) {
        super(sd, new SDVariable[] {x, dm}, reverse ? 1 : 0);
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        sameLength(in[0], in[1]);
        int len = RunningMaxOp.lengthOf(in[0]);
        VectorLoops.runningMaxGradient(bytes(in[0]), bytes(in[1]), bytes(out[0]), Math.toIntExact(in[0].length() / len), len,
                setting(0) != 0);
    }
}
