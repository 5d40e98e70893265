package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

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
            y = (residualWeight ? weight.add(1.0) : weight).mul(y);
        }
        return bias == null ? y : y.add(bias);
    }

    /**
     * The reference's residual LayerNorm (scale {@code 1 + weight}) over the columns of rows
     * {@code x [n, D]}; bias may be null. The scale goes through {@link #scaleColumns}.
     */
    static SDVariable layerNormRows(SameDiff sd, SDVariable x, SDVariable weight, SDVariable bias, double eps,
                                    SDVariable ones) {
        SDVariable y = layerNorm(sd, x, null, null, false, eps, 1);
        y = scaleColumns(sd, y, weight.add(1.0), ones);
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

    /**
     * Depthwise 3x3 convolution with zero padding 1 on {@code x [B, h, w, C]} to rows {@code [B*h*w, C]}, PyTorch weight
     * {@code [C, 1, 3, 3]}: nine shifted copies of the padded input, each scaled per channel.
     * ND4J's depthwise_conv2d (im2col based) was ~100x slower than this on ViL's shapes.
     */
    static SDVariable depthwiseConv3x3(SameDiff sd, SDVariable x, int h, int w, SDVariable weight, SDVariable bias) {
        long channels = weight.getShape()[0];
        SDVariable padded = sd.nn().pad(x, sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}})), 0.0);
        SDVariable taps = weight.reshape(channels, 9);                            // [C, 9]
        SDVariable sum = null;
        SDVariable ones = null;
        for (int dy = 0; dy < 3; dy++) {
            for (int dx = 0; dx < 3; dx++) {
                SDVariable shifted = padded.get(SDIndex.all(), SDIndex.interval(dy, dy + h),
                        SDIndex.interval(dx, dx + w), SDIndex.all()).reshape(-1, channels);
                if (ones == null) {
                    ones = onesColumn(sd, shifted);
                }
                SDVariable tap = taps.get(SDIndex.all(), SDIndex.interval(dy * 3 + dx, dy * 3 + dx + 1));
                SDVariable term = scaleColumns(sd, shifted, tap, ones);
                sum = sum == null ? term : sum.add(term);
            }
        }
        return bias == null ? sum : sum.add(bias);                               // [B*h*w, C]
    }

    /** A column of ones {@code [n, 1]} for rows {@code x [n, C]} (n is only known at run time). */
    static SDVariable onesColumn(SameDiff sd, SDVariable x) {
        return sd.onesLike(x.get(SDIndex.all(), SDIndex.interval(0, 1)));
    }

    /**
     * {@code x * v} for rows {@code x [n, C]} and a per-column vector {@code v [C]}, with v spread
     * to {@code [n, C]} by a rank-1 matmul: ND4J's broadcasting multiply_bp reduces over rows ~5x
     * slower than a matmul_bp does the same sum.
     */
    static SDVariable scaleColumns(SameDiff sd, SDVariable x, SDVariable v, SDVariable ones) {
        return x.mul(ones.mmul(v.reshape(1, -1)));
    }
}
