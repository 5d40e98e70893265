package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The gradient of {@link RunningMaxOp}: inputs x and the maxima's gradient, output x's gradient. */
public final class RunningMaxGradientOp extends JavaKernelOp {
    static final String NAME = "vil_running_max_bp";

    public RunningMaxGradientOp() {
    }

    RunningMaxGradientOp(SameDiff sd, SDVariable x, SDVariable dm, boolean reverse) {
        super(sd, new SDVariable[] {x, dm}, reverse ? 1 : 0);
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
    protected long[][] outputShapes(long[][] in) {
        return new long[][] {in[0]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        sameLength(in[0], in[1]);
        int len = RunningMaxOp.lengthOf(in[0]);
        VectorLoops.runningMaxGradient(bytes(in[0]), bytes(in[1]), bytes(out[0]), Math.toIntExact(in[0].length() / len), len,
                setting(0) != 0);
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        throw new UnsupportedOperationException("second derivatives of a running maximum are not needed");
    }
}
