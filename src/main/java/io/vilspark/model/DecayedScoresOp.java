package io.vilspark.model;

import java.util.Arrays;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parallel mLSTM's decayed scores in one pass ({@link VectorLoops#decayedScores}): inputs {@code
 * qk [X, L, L]}, {@code rowLog, cum, ig [X, L]}; outputs {@code scores [X, L, L]} and their row sums
 * {@code [X, L, 1]}. Replaces exp over the masked exponent matrix, the product with qk and the row
 * sum, which ND4J computes in six passes over {@code [X, L, L]} forwards and more backwards.
 */
public final class DecayedScoresOp extends JavaKernelOp {

    public DecayedScoresOp() {
    }

    DecayedScoresOp(SameDiff sd, SDVariable qk, SDVariable rowLog, SDVariable cum, SDVariable ig, boolean reverse) {
        super(sd, new SDVariable[] {qk, rowLog, cum, ig}, reverse ? 1 : 0);
    }

    @Override
    public int getNumOutputs() {
        return 2;
    }

    boolean reverse() {
        return setting(0) != 0;
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        return new long[][] {in[0], {in[0][0], in[0][1], 1}};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int[] xl = sequencesAndLength(in);
        VectorLoops.decayedScores(bytes(in[0]), bytes(in[1]), bytes(in[2]), bytes(in[3]), bytes(out[0]), bytes(out[1]),
                xl[0], xl[1], reverse());
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable[] args = args();
        return Arrays.asList(new DecayedScoresGradientOp(sameDiff, args[0], args[1], args[2], args[3],
                gradients.get(0), gradients.get(1), reverse()).outputVariables());
    }

    /** X and L of inputs {@code qk [X, L, L]} and three {@code [X, L]} (any shape of X * L elements). */
    static int[] sequencesAndLength(INDArray[] in) {
        long[] qk = in[0].shape();
        if (qk.length != 3 || qk[1] != qk[2]) {
            throw new IllegalArgumentException("decayed scores need qk [X, L, L], got " + Arrays.toString(qk));
        }
        for (int i = 1; i < in.length; i++) {
            long expected = i <= 3 || i == 5 ? qk[0] * qk[1] : qk[0] * qk[1] * qk[2];
            if (in[i].length() != expected) {
                throw new IllegalArgumentException("decayed scores input " + i + " has shape " + Arrays.toString(in[i].shape())
                        + " for qk " + Arrays.toString(qk));
            }
        }
        return new int[] {Math.toIntExact(qk[0]), Math.toIntExact(qk[1])};
    }
}
