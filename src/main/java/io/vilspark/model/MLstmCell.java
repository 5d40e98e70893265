package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The stabilised mLSTM cell (Beck et al., xLSTM), as SameDiff graphs over per-head sequences:
 * every array has the sequences of all (head, sample) pairs stacked along its first axis.
 *
 * <p>{@link #parallel} is the reference's {@code parallel_stabilized_simple}: quadratic in the
 * sequence length, one decay matrix {@code D[i, j] = exp(sum_{t=j+1..i} log f_t + i_j - m_i)} per
 * sequence, stabilised by the row maximum {@code m_i}, and normalised by
 * {@code max(|sum_j C[i, j]|, exp(-m_i)) + eps}. With {@code reverse} the cell runs over the
 * sequence from its end ({@code j >= i}, forget gates summed over {@code [i, j)}), which is the
 * forward cell applied to the flipped sequence, flipped back.
 */
public final class MLstmCell {
    /** The reference's eps in the normaliser. */
    public static final double EPS = 1e-6;
    /** Stands in for -inf outside the causal triangle: exp underflows to exactly 0, without inf - inf. */
    private static final double MASKED = -1e30;

    private MLstmCell() {
    }

    /**
     * @param q           queries {@code [X, S, DH]}
     * @param kScaled     keys already divided by {@code sqrt(DH)}, {@code [X, S, DH]}
     * @param v           values {@code [X, S, DH]}
     * @param igatePreact input gate pre-activations {@code [X, S]}
     * @param fgatePreact forget gate pre-activations {@code [X, S]}
     * @return hidden states {@code [X, S, DH]}
     */
    public static SDVariable parallel(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v,
                                      SDVariable igatePreact, SDVariable fgatePreact, int seqLen, boolean reverse) {
        return parallelParts(sd, q, kScaled, v, igatePreact, fgatePreact, seqLen, reverse).hidden();
    }

    /** The hidden states as {@code numerator / normaliser}, numerator {@code [X, S, DH]}, normaliser {@code [X, S, 1]}. */
    public record Parts(SDVariable numerator, SDVariable normaliser) {
        public SDVariable hidden() {
            return numerator.div(normaliser);
        }
    }

    /** {@link #parallel} before its final division (a following per-head norm can absorb it). */
    static Parts parallelParts(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v,
                               SDVariable igatePreact, SDVariable fgatePreact, int seqLen, boolean reverse) {
        DataType dt = q.dataType();
        // logF[i, j] = cum_i - cum_j: forget gates over (j, i] forwards, over [i, j) in reverse
        // cumulative sums as a matmul with a triangle of ones: ND4J's cumsum backward pass is wrong
        // along the last axis (and in reverse)
        SDVariable cum = sd.nn().logSigmoid(fgatePreact).mmul(sd.constant(cumulativeSum(seqLen, reverse, dt)));  // [X, S]
        // (cum_i - cum_j) first, as the reference: cum grows large, and i_j - cum_j would round it
        SDVariable logD = cum.reshape(-1, seqLen, 1).sub(cum.reshape(-1, 1, seqLen))
                .add(igatePreact.reshape(-1, 1, seqLen))
                .add(sd.constant(causalMask(seqLen, reverse, dt)));                         // [X, S, S]
        // m_i = max_j logD[i, j] = cum_i + max over the causal j of (i_j - cum_j): a running max over
        // [X, S] instead of a reduction over [X, S, S] (whose backward pass ND4J makes slow)
        SDVariable rowMax = cum.add(runningMax(sd, igatePreact.sub(cum), seqLen, reverse)).reshape(-1, seqLen, 1);
        SDVariable decay = sd.math().exp(logD.sub(rowMax));

        SDVariable c = sd.mmul(q, kScaled, false, true, false).mul(decay);                 // [X, S, S]
        SDVariable normaliser = sd.math().max(sd.math().abs(c.sum(true, 2)), sd.math().exp(rowMax.neg())).add(EPS);
        // (C / n) @ v as (C @ v) / n: the division touches DH columns instead of S
        return new Parts(sd.mmul(c, v), normaliser);
    }

    /**
     * Prefix maxima along the last axis of {@code x [X, S]} (suffix maxima in reverse), in log2(S)
     * steps of {@code max(x, x shifted)}; the gradient goes to the arg-max, as max's does.
     */
    static SDVariable runningMax(SameDiff sd, SDVariable x, int seqLen, boolean reverse) {
        SDVariable m = x;
        for (int shift = 1; shift < seqLen; shift *= 2) {
            int[][] padding = reverse ? new int[][] {{0, 0}, {0, shift}} : new int[][] {{0, 0}, {shift, 0}};
            SDVariable padded = sd.nn().pad(m, sd.constant(Nd4j.createFromArray(padding)), MASKED);
            int from = reverse ? shift : 0;
            m = sd.math().max(m, padded.get(SDIndex.all(), SDIndex.interval(from, from + seqLen)));
        }
        return m;
    }

    /** {@code T [S, S]} with {@code (x @ T)_i = sum_{t <= i} x_t}, or {@code sum_{t >= i}} in reverse. */
    static INDArray cumulativeSum(int seqLen, boolean reverse, DataType dt) {
        float[][] m = new float[seqLen][seqLen];
        for (int t = 0; t < seqLen; t++) {
            for (int i = 0; i < seqLen; i++) {
                if (reverse ? t >= i : t <= i) {
                    m[t][i] = 1f;
                }
            }
        }
        return Nd4j.createFromArray(m).castTo(dt);
    }

    /** 0 inside the causal triangle (j <= i, or j >= i in reverse), a huge negative number outside. */
    static INDArray causalMask(int seqLen, boolean reverse, DataType dt) {
        float[][] m = new float[seqLen][seqLen];
        for (int i = 0; i < seqLen; i++) {
            for (int j = 0; j < seqLen; j++) {
                if (reverse ? j < i : j > i) {
                    m[i][j] = (float) MASKED;
                }
            }
        }
        return Nd4j.createFromArray(m).castTo(dt);
    }
}
