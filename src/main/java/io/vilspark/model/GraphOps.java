package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** SameDiff building blocks shared by the ViL layers, written to match PyTorch's definitions. */
final class GraphOps {
    private GraphOps() {
    }

    /** {@code x @ w^T + b} for rows {@code x [n, in]}, PyTorch weight {@code w [out, in]}; b may be null. */
    static SDVariable linear(SameDiff sd, SDVariable x, SDVariable w, SDVariable b) {
        SDVariable y = sd.mmul(x, w, false, true, false);
        return b == null ? y : y.add(b);
    }

    /**
     * Layer norm over {@code axis} with biased variance, as {@code F.layer_norm}. With
     * {@code residualWeight} the scale is {@code 1 + weight} (the reference's LayerNorm and
     * MultiHeadLayerNorm); weight and bias may be null.
     */
    static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable weight, SDVariable bias,
                                boolean residualWeight, double eps, int axis) {
        SDVariable centred = x.sub(x.mean(true, axis));
        SDVariable variance = centred.mul(centred).mean(true, axis);
        SDVariable y = centred.div(sd.math().sqrt(variance.add(eps)));
        if (weight != null) {
            y = y.mul(residualWeight ? weight.add(1.0) : weight);
        }
        return bias == null ? y : y.add(bias);
    }

    /** SiLU (swish): {@code x * sigmoid(x)}. */
    static SDVariable silu(SameDiff sd, SDVariable x) {
        return x.mul(sd.nn().sigmoid(x));
    }

    /**
     * The reference's {@code LinearHeadwiseExpand}: rows {@code x [n, heads*4]} are cut in blocks
     * of 4 and each block gets its own 4x4 matrix {@code w [heads, out, in]}; b may be null.
     */
    static SDVariable headwiseLinear(SameDiff sd, SDVariable x, SDVariable w, SDVariable b, int heads, int blockSize) {
        SDVariable perHead = x.reshape(-1, heads, blockSize).permute(1, 0, 2);      // [heads, n, in]
        SDVariable y = sd.mmul(perHead, w, false, true, false);                   // [heads, n, out]
        y = y.permute(1, 0, 2).reshape(-1, (long) heads * blockSize);
        return b == null ? y : y.add(b);
    }
}
