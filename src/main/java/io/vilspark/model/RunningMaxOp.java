package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Prefix maxima along the rows of {@code x [R, L]}, suffix maxima in reverse ({@link
 * VectorLoops#runningMax}); its gradient is {@link RunningMaxGradientOp}. One op each way where
 * {@link MLstmCell#runningMax} takes log2(L) rounds of pad, slice and pairwise maximum.
 */
public final class RunningMaxOp extends JavaKernelOp {

    public RunningMaxOp() {
    }

    RunningMaxOp(SameDiff sd, SDVariable x, boolean reverse) {
        super(sd, new SDVariable[] {x}, reverse ? 1 : 0);
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int len = lengthOf(in[0]);
        VectorLoops.runningMax(bytes(in[0]), bytes(out[0]), Math.toIntExact(in[0].length() / len), len, setting(0) != 0);
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        return List.of(new RunningMaxGradientOp(sameDiff, arg(0), gradients.get(0), setting(0) != 0).outputVariable());
    }

    /** L of rows {@code [R, L]}. */
    static int lengthOf(INDArray x) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("running maxima need rows [R, L], got " + java.util.Arrays.toString(x.shape()));
        }
        return Math.toIntExact(x.size(1));
    }
}
