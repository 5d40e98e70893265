package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The stabilised mLSTM cell (Beck et al., xLSTM), as SameDiff graphs.
 *
 * <p>{@link #parallel} is the reference's {@code parallel_stabilized_simple}: quadratic in the
 * sequence length, one decay matrix {@code D[i, j] = exp(sum_{t=j+1..i} log f_t + i_j - m_i)} per
 * head, stabilised by the row maximum {@code m_i}, and normalised by
 * {@code max(|sum_j C[i, j]|, exp(-m_i)) + eps}.
 */
public final class MLstmCell {
    /** The reference's eps in the normaliser. */
    public static final double EPS = 1e-6;
    /** Stands in for -inf above the diagonal: exp underflows to exactly 0, without inf - inf. */
    private static final double MASKED = -1e30;

    private MLstmCell() {
    }

    /**
     * @param q queries {@code [B, NH, S, DH]}
     * @param k keys {@code [B, NH, S, DH]}
     * @param v values {@code [B, NH, S, DH]}
     * @param igatePreact input gate pre-activations {@code [B, NH, S, 1]}
     * @param fgatePreact forget gate pre-activations {@code [B, NH, S, 1]}
     * @return hidden states {@code [B, NH, S, DH]}
     */
    public static SDVariable parallel(SameDiff sd, SDVariable q, SDVariable k, SDVariable v,
                                      SDVariable igatePreact, SDVariable fgatePreact,
                                      int heads, int seqLen, int headDim) {
        DataType dt = q.dataType();
        // cumulative log forget gates; logF[i, j] = c_i - c_j = sum of log f over (j, i]
        SDVariable cum = sd.cumsum(sd.nn().logSigmoid(fgatePreact), false, false, 2);  // [B, NH, S, 1]
        SDVariable logF = cum.sub(cum.permute(0, 1, 3, 2));                             // [B, NH, S, S]
        SDVariable logD = logF.add(igatePreact.permute(0, 1, 3, 2))
                .add(sd.constant(causalMask(seqLen, dt)));
        SDVariable rowMax = logD.max(true, 3);                                          // [B, NH, S, 1]
        SDVariable decay = sd.math().exp(logD.sub(rowMax));

        SDVariable q3 = q.reshape(-1, seqLen, headDim);
        SDVariable k3 = k.reshape(-1, seqLen, headDim).div(Math.sqrt(headDim));
        SDVariable v3 = v.reshape(-1, seqLen, headDim);
        SDVariable scores = sd.mmul(q3, k3, false, true, false).reshape(-1, heads, seqLen, seqLen);
        SDVariable c = scores.mul(decay);
        SDVariable normaliser = sd.math().max(sd.math().abs(c.sum(true, 3)), sd.math().exp(rowMax.neg()));
        SDVariable cNormalised = c.div(normaliser.add(EPS)).reshape(-1, seqLen, seqLen);
        return sd.mmul(cNormalised, v3).reshape(-1, heads, seqLen, headDim);
    }

    /** 0 on and below the diagonal, a huge negative number above it. */
    static INDArray causalMask(int seqLen, DataType dt) {
        double[][] m = new double[seqLen][seqLen];
        for (int i = 0; i < seqLen; i++) {
            for (int j = i + 1; j < seqLen; j++) {
                m[i][j] = MASKED;
            }
        }
        return Nd4j.createFromArray(m).castTo(dt);
    }
}
