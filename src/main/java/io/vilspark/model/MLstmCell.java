package io.vilspark.model;

import java.util.function.UnaryOperator;

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
    /**
     * The log stabiliser of an empty state (no earlier chunk): far below any real one, but 10x above
     * {@link #MASKED} so that masked exponents stay hugely negative after subtracting it.
     */
    private static final double NO_STATE = -1e29;

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
        return parallelParts(sd, q, kScaled, v, igatePreact, fgatePreact, seqLen, reverse, ElementwiseKernels.ND4J).hidden();
    }

    /** The hidden states as {@code numerator / normaliser}, numerator {@code [X, S, DH]}, normaliser {@code [X, S, 1]}. */
    public record Parts(SDVariable numerator, SDVariable normaliser) {
        public SDVariable hidden() {
            return numerator.div(normaliser);
        }
    }

    /** {@link #parallel} before its final division (a following per-head norm can absorb it). */
    static Parts parallelParts(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v,
                               SDVariable igatePreact, SDVariable fgatePreact, int seqLen, boolean reverse,
                               ElementwiseKernels kernels) {
        return parallelParts(sd, kernels.batchedMatmul(sd, q, kScaled, false, true),
                scores -> kernels.batchedMatmul(sd, scores, v, false, false), igatePreact, fgatePreact, seqLen, reverse, kernels);
    }

    /**
     * {@link #parallelParts} on q, k and v as channel-major activations {@code [NH * DH, B * S]}
     * (Java kernels only): the per-head products read them in place ({@link BatchedMatmulOp}'s head
     * blocks), without permuting them to per-head sequences first.
     */
    static Parts parallelPartsOnHeadBlocks(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v, int heads,
                                           SDVariable igatePreact, SDVariable fgatePreact, int seqLen, boolean reverse,
                                           ElementwiseKernels kernels) {
        SDVariable qk = new BatchedMatmulOp(sd, q, kScaled, true, false, heads, seqLen, true, true, false).outputVariable();
        return parallelParts(sd, qk,
                scores -> new BatchedMatmulOp(sd, scores, v, false, true, heads, seqLen, false, true, false).outputVariable(),
                igatePreact, fgatePreact, seqLen, reverse, kernels);
    }

    /** The parallel form from {@code qk [X, S, S]}; {@code timesV} multiplies the decayed scores by v. */
    private static Parts parallelParts(SameDiff sd, SDVariable qk, UnaryOperator<SDVariable> timesV,
                                       SDVariable igatePreact, SDVariable fgatePreact, int seqLen, boolean reverse,
                                       ElementwiseKernels kernels) {
        DataType dt = qk.dataType();
        // logF[i, j] = cum_i - cum_j: forget gates over (j, i] forwards, over [i, j) in reverse
        // cumulative sums as a matmul with a triangle of ones: ND4J's cumsum backward pass is wrong
        // along the last axis (and in reverse)
        SDVariable cum = sd.nn().logSigmoid(fgatePreact).mmul(sd.constant(cumulativeSum(seqLen, reverse, dt)));  // [X, S]
        // logD[i, j] = cum_i - cum_j + i_j has its row max m_i = cum_i + r_i, r_i the running max over
        // the causal j of i_j - cum_j (over [X, S] instead of a reduction over [X, S, S], whose backward
        // pass ND4J makes slow). The stabilised exponent logD[i, j] - m_i is built as
        // ((cum_i - m_i) - cum_j) + i_j: three ops over [X, S, S] rather than four, and still without
        // rounding i_j - cum_j on its own (cum grows large; an error per column would not cancel in
        // the normalised output, one per row does)
        SDVariable rowMax = cum.add(kernels.runningMax(sd, igatePreact.sub(cum), seqLen, reverse));   // [X, S]
        ElementwiseKernels.DecayedScores c = kernels.decayedScores(sd, qk,
                cum.sub(rowMax), cum, igatePreact, seqLen, reverse);                          // [X, S, S]
        SDVariable normaliser = sd.math().max(sd.math().abs(c.rowSums()), sd.math().exp(rowMax.reshape(-1, seqLen, 1).neg()))
                .add(EPS);
        // (C / n) @ v as (C @ v) / n: the division touches DH columns instead of S
        return new Parts(timesV.apply(c.scores()), normaliser);
    }

    /**
     * The chunkwise-parallel form: the sequence cut into chunks of {@code chunkSize} (the last one
     * padded: at the end forwards, at the start in reverse, so real positions never see padding),
     * the parallel form inside each chunk, and each chunk's state {@code (C, n)} passed on to the
     * later chunks through an {@code [NC, NC]} decay matrix (all chunks at once, no loop). Linear in
     * the sequence length for a fixed chunk size. Every exponent is stabilised by the true row max
     * {@code m_i}, so the parts equal {@link #parallelParts}'s.
     */
    static Parts chunkwiseParts(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v,
                                SDVariable igatePreact, SDVariable fgatePreact, int seqLen, int dh, int chunkSize, boolean reverse,
                                ElementwiseKernels kernels) {
        DataType dt = q.dataType();
        int l = Math.max(1, Math.min(chunkSize, seqLen));
        int nc = (seqLen + l - 1) / l;
        int padded = nc * l;
        int pad = padded - seqLen;
        SDVariable logf = sd.nn().logSigmoid(fgatePreact);                                   // [X, S]
        SDVariable ig = igatePreact;
        SDVariable q3 = q;
        SDVariable k3 = kScaled;
        SDVariable v3 = v;
        if (pad > 0) {
            int[] seqPad = reverse ? new int[] {pad, 0} : new int[] {0, pad};
            SDVariable pad2 = sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, seqPad}));
            SDVariable pad3 = sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, seqPad, {0, 0}}));
            logf = sd.nn().pad(logf, pad2, 0.0);
            ig = sd.nn().pad(ig, pad2, 0.0);
            q3 = sd.nn().pad(q3, pad3, 0.0);
            k3 = sd.nn().pad(k3, pad3, 0.0);
            v3 = sd.nn().pad(v3, pad3, 0.0);
        }
        // Y = X * NC chunk rows
        SDVariable logfC = logf.reshape(-1, l);                                              // [Y, L]
        SDVariable igC = ig.reshape(-1, l);
        q3 = q3.reshape(-1, l, dh);                                                          // [Y, L, DH]
        k3 = k3.reshape(-1, l, dh);
        v3 = v3.reshape(-1, l, dh);
        // b: forget gates summed inside the chunk up to t (from t to the chunk's end in reverse); g: the chunk's total
        SDVariable b = logfC.mmul(sd.constant(cumulativeSum(l, reverse, dt)));               // [Y, L]
        SDVariable g = l == 1 ? logfC : logfC.sum(true, 1);                                                   // [Y, 1]
        SDVariable mIntra = b.add(kernels.runningMax(sd, igC.sub(b), l, reverse));                   // [Y, L]
        // what each chunk hands on: log weights w_s = g - b_s + i_s, stabilised by their max
        SDVariable w = g.sub(b).add(igC);                                                    // [Y, L]
        SDVariable wMax = kernels.runningMax(sd, w, l, false).get(SDIndex.all(), SDIndex.interval(l - 1, l)); // [Y, 1]
        SDVariable kw = k3.mul(spread(sd, sd.math().exp(w.sub(wMax)), l, dh, dt));          // [Y, L, DH]
        SDVariable cLocal = kernels.batchedMatmul(sd, kw, v3, true, false);                             // [Y, DH, DH]
        SDVariable nLocal = l == 1 ? kw.reshape(-1, dh) : kw.sum(1);                                                       // [Y, DH]

        // between chunks: G inclusive (own chunk counted), Gex exclusive cumulative chunk totals
        SDVariable gX = g.reshape(-1, nc);                                                   // [X, NC]
        SDVariable gIncl = gX.mmul(sd.constant(cumulativeSum(nc, reverse, dt)));
        SDVariable gExcl = gIncl.sub(gX);
        SDVariable wMaxX = wMax.reshape(-1, nc);
        // log weights of chunk j's state into chunk k's incoming state, differences first (the
        // cumulative sums grow large); M_k their max over j, the max log weight of any earlier
        // position into the state; an empty state (no earlier chunk) gets NO_STATE. A reduction over
        // the small [X, NC, NC], where a running max over chunks would subtract the large sums.
        SDVariable logWRaw = gExcl.reshape(-1, nc, 1).sub(gIncl.reshape(-1, 1, nc))
                .add(wMaxX.reshape(-1, 1, nc))
                .add(sd.constant(strictMask(nc, reverse, dt)));                              // [X, NC, NC]
        SDVariable rawMax = logWRaw.max(true, 2);                                            // [X, NC, 1]
        SDVariable stateMax3 = sd.math().max(rawMax, rawMax.mul(0.0).add(NO_STATE));
        SDVariable logW = logWRaw.sub(stateMax3);
        SDVariable stateMax = stateMax3.reshape(-1, nc);                                     // [X, NC]
        SDVariable chunkDecay = sd.math().exp(logW);
        SDVariable cState = kernels.batchedMatmul(sd, chunkDecay, cLocal.reshape(-1, nc, (long) dh * dh), false, false).reshape(-1, dh, dh); // [Y, DH, DH]
        SDVariable nState = kernels.batchedMatmul(sd, chunkDecay, nLocal.reshape(-1, nc, dh), false, false).reshape(-1, dh, 1);          // [Y, DH, 1]

        // the true row max m_t = max(b_t + M_k, intra-chunk max)
        SDVariable bm = b.add(stateMax.reshape(-1, 1));                                      // [Y, L]
        SDVariable m = sd.math().max(bm, mIntra);
        SDVariable interScale = sd.math().exp(bm.sub(m));                                    // [Y, L]
        SDVariable numInter = kernels.batchedMatmul(sd, q3, cState, false, false).mul(spread(sd, interScale, l, dh, dt));    // [Y, L, DH]
        SDVariable bInter = kernels.batchedMatmul(sd, q3, nState, false, false).reshape(-1, l).mul(interScale);              // [Y, L]
        ElementwiseKernels.DecayedScores c = kernels.decayedScores(sd, kernels.batchedMatmul(sd, q3, k3, false, true),
                b.sub(m), b, igC, l, reverse);                                               // [Y, L, L]
        SDVariable numerator = numInter.add(kernels.batchedMatmul(sd, c.scores(), v3, false, false)).reshape(-1, padded, dh);
        SDVariable normaliser = sd.math().max(sd.math().abs(bInter.add(c.rowSums().reshape(-1, l))), sd.math().exp(m.neg())).add(EPS)
                .reshape(-1, padded, 1);
        if (pad > 0) {
            int start = reverse ? pad : 0;
            numerator = numerator.get(SDIndex.all(), SDIndex.interval(start, start + seqLen), SDIndex.all());
            normaliser = normaliser.get(SDIndex.all(), SDIndex.interval(start, start + seqLen), SDIndex.all());
        }
        return new Parts(numerator, normaliser);
    }

    /**
     * The recurrent form, one step at a time (a Java loop: the graph grows with the sequence): state
     * {@code C_t = a C_{t-1} + b k_t v_t^T}, {@code n_t = a n_{t-1} + b k_t} with {@code m_t =
     * max(log f_t + m_{t-1}, i_t)}, {@code a = exp(log f_t + m_{t-1} - m_t)}, {@code b = exp(i_t - m_t)};
     * in reverse the steps run from the end. For checking the other forms and for long sequences.
     */
    static Parts recurrentParts(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v,
                                SDVariable igatePreact, SDVariable fgatePreact, int seqLen, int dh, boolean reverse) {
        SDVariable logf = sd.nn().logSigmoid(fgatePreact);                                   // [X, S]
        SDVariable[] nums = new SDVariable[seqLen];
        SDVariable[] norms = new SDVariable[seqLen];
        SDVariable cState = null;
        SDVariable nState = null;
        SDVariable mPrev = null;
        for (int step = 0; step < seqLen; step++) {
            int t = reverse ? seqLen - 1 - step : step;
            SDVariable qt = q.get(SDIndex.all(), SDIndex.interval(t, t + 1), SDIndex.all());        // [X, 1, DH]
            SDVariable kt = kScaled.get(SDIndex.all(), SDIndex.interval(t, t + 1), SDIndex.all());
            SDVariable vt = v.get(SDIndex.all(), SDIndex.interval(t, t + 1), SDIndex.all());
            SDVariable it = igatePreact.get(SDIndex.all(), SDIndex.interval(t, t + 1));             // [X, 1]
            SDVariable kv = sd.mmul(kt, vt, true, false, false);                                     // [X, DH, DH]
            SDVariable kCol = kt.reshape(-1, dh, 1);
            SDVariable m;
            if (cState == null) {
                m = it;
                cState = kv;
                nState = kCol;
            } else {
                SDVariable carried = logf.get(SDIndex.all(), SDIndex.interval(t, t + 1)).add(mPrev);
                m = sd.math().max(carried, it);
                SDVariable a = sd.math().exp(carried.sub(m)).reshape(-1, 1, 1);
                SDVariable bIn = sd.math().exp(it.sub(m)).reshape(-1, 1, 1);
                cState = cState.mul(a).add(kv.mul(bIn));
                nState = nState.mul(a).add(kCol.mul(bIn));
            }
            mPrev = m;
            nums[t] = sd.mmul(qt, cState);                                                           // [X, 1, DH]
            norms[t] = sd.math().max(sd.math().abs(sd.mmul(qt, nState).reshape(-1, 1)), sd.math().exp(m.neg())).add(EPS);
        }
        SDVariable numerator = seqLen == 1 ? nums[0] : sd.concat(1, nums);
        SDVariable normaliser = (seqLen == 1 ? norms[0] : sd.concat(1, norms)).reshape(-1, seqLen, 1);
        return new Parts(numerator, normaliser);
    }

    /** {@code s [Y, L]} spread to {@code [Y, L, DH]} by a rank-1 matmul (ND4J's broadcasting multiply_bp is slow). */
    private static SDVariable spread(SameDiff sd, SDVariable s, int l, int dh, DataType dt) {
        return s.reshape(-1, 1).mmul(sd.constant(Nd4j.ones(dt, 1, dh))).reshape(-1, l, dh);
    }

    /** 0 strictly inside the causal triangle (j < i, or j > i in reverse), a huge negative number elsewhere. */
    static INDArray strictMask(int n, boolean reverse, DataType dt) {
        float[][] m = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (reverse ? j <= i : j >= i) {
                    m[i][j] = (float) MASKED;
                }
            }
        }
        return Nd4j.createFromArray(m).castTo(dt);
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
