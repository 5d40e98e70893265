package io.vilspark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One ViL sub-block, {@code x + ViLLayer(LayerNorm(x))}, on token rows {@code [B*S, dim]}.
 *
 * <p>The ViL layer: up-projection to x and z; x through a depthwise 3x3 conv over the patch grid
 * and SiLU; headwise q, k (from the conv branch) and v (from x); input/forget gates from
 * [q, k, v]; the mLSTM cell; per-head norm; learnable skip; gating by SiLU(z); down-projection.
 *
 * <p>Written for speed on ND4J's CPU backend, where every op costs an allocation and a pass over
 * memory and broadcasting backward passes are slow:
 * <ul>
 * <li>inside the layer, activations are channel-major {@code [C, B*S]}: up-projection and
 *     down-projection switch layouts for free through the matmul's transpose flags, the headwise
 *     projections are one batched matmul without permutes, and per-channel scales and biases
 *     reduce along contiguous rows in their backward pass;</li>
 * <li>the pre-norm's scale and shift and the projection biases are folded into the projection
 *     weights (weight-sized ops instead of activation-sized ones);</li>
 * <li>the reverse block does not flip the sequence: it runs the mLSTM anti-causally and the conv
 *     with the kernel rotated by 180 degrees, which is the same function.</li>
 * </ul>
 */
final class ViLBlock {
    private final int dim;
    private final int inner;
    private final int gridH;
    private final int gridW;
    private final boolean reverse;
    private final boolean projBias;
    private final boolean normBias;
    /** Reference-name prefix, e.g. {@code blocks.0.rowwise_from_top_left.}. */
    private final String prefix;
    private final double dropPath;
    private final MLstmForm form;
    private final int chunkSize;

    ViLBlock(ViLConfig config, int subBlockIndex, MLstmForm form, int chunkSize) {
        this.dim = config.dim();
        this.inner = config.innerDim();
        this.gridH = config.gridH();
        this.gridW = config.gridW();
        this.reverse = subBlockIndex % 2 == 1;
        this.projBias = config.projBias();
        this.normBias = config.normBias();
        this.prefix = ReferenceNames.blockPrefix(subBlockIndex);
        this.dropPath = config.dropPathRate(subBlockIndex / 2);
        this.form = form;
        this.chunkSize = chunkSize;
    }

    double dropPath() {
        return dropPath;
    }

    private int seqLen() {
        return gridH * gridW;
    }

    void declare(SDLayerParams params) {
        int b = ViLConfig.QKV_BLOCK_SIZE;
        int nh = ViLConfig.CELL_HEADS;
        int k = ViLConfig.CONV_KERNEL;
        long qkvBlocks = inner / b;
        NetworkParams.bias(params, prefix + "norm.weight", dim);
        if (normBias) {
            NetworkParams.bias(params, prefix + "norm.bias", dim);
        }
        NetworkParams.bias(params, prefix + "layer.learnable_skip", inner);
        NetworkParams.weight(params, prefix + "layer.proj_up.weight", 2L * inner, dim);
        if (projBias) {
            NetworkParams.bias(params, prefix + "layer.proj_up.bias", 2L * inner);
        }
        for (String qkv : new String[] {"q_proj", "k_proj", "v_proj"}) {
            NetworkParams.weight(params, prefix + "layer." + qkv + ".weight", qkvBlocks, b, b);
            if (projBias) {
                NetworkParams.bias(params, prefix + "layer." + qkv + ".bias", inner);
            }
        }
        NetworkParams.weight(params, prefix + "layer.conv.weight", inner, 1, k, k);
        NetworkParams.bias(params, prefix + "layer.conv.bias", inner);
        for (String gate : new String[] {"igate", "fgate"}) {
            NetworkParams.weight(params, prefix + "layer.mlstm_cell." + gate + ".weight", nh, 3L * inner);
            NetworkParams.bias(params, prefix + "layer.mlstm_cell." + gate + ".bias", nh);
        }
        NetworkParams.bias(params, prefix + "layer.mlstm_cell.outnorm.weight", inner);
        if (normBias) {
            NetworkParams.bias(params, prefix + "layer.mlstm_cell.outnorm.bias", inner);
        }
        NetworkParams.weight(params, prefix + "layer.proj_down.weight", dim, inner);
        if (projBias) {
            NetworkParams.bias(params, prefix + "layer.proj_down.bias", dim);
        }
    }

    /** The reference's initialisation of this block's parameters (those under its prefix). */
    void initialize(Map<String, INDArray> params, ParamInit random) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String reference = ReferenceNames.toReferenceName(e.getKey());
            if (!reference.startsWith(prefix)) {
                continue;
            }
            INDArray p = e.getValue();
            switch (reference.substring(prefix.length())) {
                // small_init (Nguyen & Salazar) with the block dim, also for q/k/v
                case "layer.proj_up.weight", "layer.q_proj.weight", "layer.k_proj.weight", "layer.v_proj.weight" ->
                        random.normal(p, Math.sqrt(2.0 / (5.0 * dim)));
                // wang_init with num_blocks = 1, as the reference
                case "layer.proj_down.weight" -> random.normal(p, 2.0 / Math.sqrt(dim));
                // nn.Conv2d default: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = 9
                case "layer.conv.weight", "layer.conv.bias" -> random.uniform(p, 1.0 / ViLConfig.CONV_KERNEL);
                case "layer.mlstm_cell.igate.bias" -> random.normal(p, 0.1);
                case "layer.mlstm_cell.fgate.bias" -> p.assign(Nd4j.linspace(p.dataType(), 3.0, 6.0, p.length()).reshape(p.shape()));
                case "layer.learnable_skip" -> p.assign(1);
                // zero: residual norm weights (scale 1 + w), biases, gate weights
                default -> p.assign(0);
            }
        }
    }

    private SDVariable p(Map<String, SDVariable> params, String name) {
        return params.get(ReferenceNames.toParamKey(prefix + name));
    }

    /**
     * @param x        token rows {@code [B*S, dim]}
     * @param ones     a column of ones {@code [B*S, 1]}
     * @param keepMask drop-path multipliers {@code [B, 1]}, or null when this block has no drop path
     * @param backprop whether the graph will be differentiated (else some ops take their fastest
     *                 forward form)
     * @param kernels  how SiLU and the cell's decayed scores are computed
     * @return token rows {@code [B*S, dim]}
     */
    SDVariable define(SameDiff sd, SDVariable x, SDVariable ones, SDVariable keepMask, Map<String, SDVariable> params,
                      boolean backprop, ElementwiseKernels kernels) {
        int nh = ViLConfig.CELL_HEADS;
        int headDim = inner / nh;
        int block = ViLConfig.QKV_BLOCK_SIZE;
        int seqLen = seqLen();

        // pre-norm: standardise here, its scale and shift go into proj_up's weights
        SDVariable xn = kernels.standardizeRows(sd, x, dim, null, 1e-5, backprop);  // [n, D]
        // the norm's scale spread over proj_up's rows by a rank-1 matmul: ND4J's broadcasting
        // multiply_bp along rows took 4.2 ms at ViL-T's [768, 192]
        SDVariable upW = p(params, "layer.proj_up.weight").mul(sd.constant(Nd4j.ones(x.dataType(), 2L * inner, 1))
                .mmul(p(params, "norm.weight").add(1.0).reshape(1, dim)));
        SDVariable upB = foldedBias(p(params, "layer.proj_up.weight"), p(params, "norm.bias"), p(params, "layer.proj_up.bias"));
        SDVariable xnIn = upB == null ? xn : sd.concat(1, xn, ones);               // [n, D(+1)]
        SDVariable upWb = withBias(sd, upW, upB);                                   // [2C, D(+1)]
        SDVariable upWx = upWb.get(SDIndex.interval(0, inner), SDIndex.all());
        SDVariable upWz = upWb.get(SDIndex.interval(inner, 2 * inner), SDIndex.all());
        SDVariable xm = sd.mmul(upWx, xnIn, false, true, false);                    // [C, n]
        SDVariable z = sd.mmul(upWz, xnIn, false, true, false);                     // [C, n]

        SDVariable conv = DepthwiseConv.define(sd, xm, p(params, "layer.conv.weight"), p(params, "layer.conv.bias"),
                gridH, gridW, reverse, kernels);
        SDVariable xc = kernels.silu(sd, conv);                                         // [C, n]

        // the mLSTM scales k by 1/sqrt(DH): put it in k's weights, and undo it in the gates' k weights
        double kScale = 1.0 / Math.sqrt(headDim);
        SDVariable q = headwise(sd, xc, p(params, "layer.q_proj.weight"), p(params, "layer.q_proj.bias"), block, 1.0, kernels);
        SDVariable k = headwise(sd, xc, p(params, "layer.k_proj.weight"), p(params, "layer.k_proj.bias"), block, kScale, kernels);
        SDVariable v = headwise(sd, xm, p(params, "layer.v_proj.weight"), p(params, "layer.v_proj.bias"), block, 1.0, kernels);

        // both gates at once from [q, k, v] without concatenating them: [2*NH, n]
        SDVariable gateW = sd.concat(0, p(params, "layer.mlstm_cell.igate.weight"), p(params, "layer.mlstm_cell.fgate.weight"));
        SDVariable gateB = sd.concat(0, p(params, "layer.mlstm_cell.igate.bias"), p(params, "layer.mlstm_cell.fgate.bias"));
        SDVariable gates = sd.mmul(gateW.get(SDIndex.all(), SDIndex.interval(0, inner)), q)
                .add(sd.mmul(gateW.get(SDIndex.all(), SDIndex.interval(inner, 2 * inner)).div(kScale), k))
                .add(sd.mmul(gateW.get(SDIndex.all(), SDIndex.interval(2 * inner, 3 * inner)), v))
                .add(gateB.reshape(2 * nh, 1));
        SDVariable ig = gates.get(SDIndex.interval(0, nh), SDIndex.all()).reshape(-1, seqLen);      // [NH*B, S]
        SDVariable fg = gates.get(SDIndex.interval(nh, 2 * nh), SDIndex.all()).reshape(-1, seqLen);

        MLstmCell.Parts h = cellParts(sd, form, q, k, v, ig, fg, seqLen, headDim, chunkSize, reverse, kernels);

        // MultiHeadLayerNorm: normalise each head's DH values, then scale/shift per channel. The norm
        // is blind to the cell's per-row division by n except through eps, so it takes the undivided
        // numerator with eps * n^2: LN(a / n) = (a - mean a) / sqrt(var a + eps n^2)
        SDVariable epsRows = h.normaliser().mul(h.normaliser()).mul(1e-5);
        SDVariable hn = kernels.standardizeRows(sd, h.numerator().reshape(-1, headDim), headDim, epsRows.reshape(-1, 1), 0, backprop)
                .reshape(nh, -1, seqLen, headDim).permute(0, 3, 1, 2).reshape(inner, -1);   // [C, n]
        SDVariable onesRow = backprop ? ones.reshape(1, -1) : null;
        hn = kernels.scaleRows(sd, hn, p(params, "layer.mlstm_cell.outnorm.weight").add(1.0), onesRow);
        SDVariable outBias = p(params, "layer.mlstm_cell.outnorm.bias");
        if (outBias != null) {
            hn = kernels.addRowBias(sd, hn, outBias);
        }
        SDVariable gated = hn.add(kernels.scaleRows(sd, xc, p(params, "layer.learnable_skip"), onesRow))
                .mul(kernels.silu(sd, z));                                              // [C, n]

        SDVariable downB = p(params, "layer.proj_down.bias");
        if (kernels.isJava() && downB != null && keepMask == null) {
            // the down-projection's bias and the residual in one pass, no row of ones concatenated
            return kernels.residualWithBias(sd, x, sd.mmul(gated, p(params, "layer.proj_down.weight"), true, true, false), downB);
        }
        SDVariable out;                                                              // [n, D]
        if (backprop) {
            // the bias as a weight column over a row of ones: its gradient comes out of the matmul's
            SDVariable downIn = downB == null ? gated : sd.concat(0, gated, onesRow);
            out = sd.mmul(downIn, withBias(sd, p(params, "layer.proj_down.weight"), downB), true, true, false);
        } else {
            // forwards, a broadcast add over [n, D] is cheaper than copying [C, n] into a concat
            out = sd.mmul(gated, p(params, "layer.proj_down.weight"), true, true, false);
            out = downB == null ? out : out.add(downB);
        }
        if (keepMask != null) {
            out = out.reshape(-1, (long) seqLen * dim).mul(keepMask).reshape(-1, dim);
        }
        return x.add(out);
    }

    /** {@code W @ b1 + b2} for the scale-folded bias of proj_up; null when neither bias exists. */
    private static SDVariable foldedBias(SDVariable w, SDVariable normBias, SDVariable projBias) {
        SDVariable folded = normBias == null ? null : w.mmul(normBias.reshape(-1, 1)).reshape(-1);
        if (projBias == null) {
            return folded;
        }
        return folded == null ? projBias : folded.add(projBias);
    }

    /** {@code [W | b]}: the bias as an extra input column that multiplies a row or column of ones. */
    private static SDVariable withBias(SameDiff sd, SDVariable w, SDVariable b) {
        return b == null ? w : sd.concat(1, w, b.reshape(-1, 1));
    }

    /**
     * The reference's {@code LinearHeadwiseExpand} on channel-major {@code x [C, n]}: each block of
     * 4 channels gets its own 4x4 matrix {@code w [C/4, out, in]}, a batched matmul; times
     * {@code scale}.
     */
    private static SDVariable headwise(SameDiff sd, SDVariable x, SDVariable w, SDVariable b, int blockSize, double scale,
                                       ElementwiseKernels kernels) {
        long channels = w.getShape()[0] * blockSize;
        SDVariable ws = scale == 1.0 ? w : w.mul(scale);
        SDVariable y = kernels.batchedMatmul(sd, ws, x.reshape(channels / blockSize, blockSize, -1), false, false).reshape(channels, -1);
        if (b == null) {
            return y;
        }
        return kernels.addRowBias(sd, y, scale == 1.0 ? b : b.mul(scale));
    }

    /**
     * The mLSTM cell on channel-major q, k, v {@code [NH*DH, B*S]}: the parallel form with the Java
     * kernels reads them in place, other forms and ND4J's ops take per-head sequences.
     */
    static MLstmCell.Parts cellParts(SameDiff sd, MLstmForm form, SDVariable q, SDVariable k, SDVariable v, SDVariable ig,
                                     SDVariable fg, int seqLen, int headDim, int chunkSize, boolean reverse,
                                     ElementwiseKernels kernels) {
        if (form == MLstmForm.PARALLEL && kernels.isJava()) {
            return MLstmCell.parallelPartsOnHeadBlocks(sd, q, k, v, ViLConfig.CELL_HEADS, ig, fg, seqLen, reverse, kernels);
        }
        return form.define(sd, toHeads(q, headDim, seqLen), toHeads(k, headDim, seqLen), toHeads(v, headDim, seqLen),
                ig, fg, seqLen, headDim, chunkSize, reverse, kernels);
    }

    /** Channel-major {@code [NH*DH, B*S]} to per-head sequences {@code [NH*B, S, DH]}. */
    private static SDVariable toHeads(SDVariable x, int headDim, int seqLen) {
        return x.reshape(ViLConfig.CELL_HEADS, headDim, -1, seqLen).permute(0, 2, 3, 1).reshape(-1, seqLen, headDim);
    }
}
