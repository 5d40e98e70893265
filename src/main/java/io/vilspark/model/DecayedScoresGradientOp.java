package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The gradient of {@link DecayedScoresOp} ({@link VectorLoops#decayedScoresGradient}): inputs its
 * four inputs and the gradients of its scores and row sums; outputs the gradients of qk, rowLog, cum
 * and ig.
 */
public final class DecayedScoresGradientOp extends JavaKernelOp {

    public DecayedScoresGradientOp() {
    }

    DecayedScoresGradientOp(SameDiff sd, SDVariable qk, SDVariable rowLog, SDVariable cum, SDVariable ig,
                            SDVariable dScores, SDVariable dRowSums, boolean reverse) {
        super(sd, new SDVariable[] {qk, rowLog, cum, ig, dScores, dRowSums}, reverse ? 1 : 0);
    }

    @Override
    public int getNumOutputs() {
        return 4;
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        return new long[][] {in[0], in[1], in[2], in[3]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int[] xl = DecayedScoresOp.sequencesAndLength(in);
        VectorLoops.decayedScoresGradient(bytes(in[0]), bytes(in[1]), bytes(in[2]), bytes(in[3]), bytes(in[4]), bytes(in[5]),
                bytes(out[0]), bytes(out[1]), bytes(out[2]), bytes(out[3]), xl[0], xl[1], setting(0) != 0);
    }
}
