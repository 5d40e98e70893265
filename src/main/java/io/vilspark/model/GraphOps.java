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
        SDVariable padded = sd.nn().pad(x, sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}})), 0.0);
        long channels = weight.getShape()[0];
        // taps as contiguous rows [9, C]: a strided per-channel vector makes multiply_bp ~20x slower
        SDVariable[] taps = sd.unstack(weight.reshape(channels, 9).permute(1, 0).reshape(9, channels), 0, 9);
        SDVariable sum = null;
        for (int dy = 0; dy < 3; dy++) {
            for (int dx = 0; dx < 3; dx++) {
                SDVariable shifted = padded.get(SDIndex.all(), SDIndex.interval(dy, dy + h),
                        SDIndex.interval(dx, dx + w), SDIndex.all());
                // as rows [B*h*w, C]: ND4J's broadcast backprop is far faster on 2-D arrays
                SDVariable term = taps[dy * 3 + dx].mul(shifted.reshape(-1, channels));
                sum = sum == null ? term : sum.add(term);
            }
        }
        return bias == null ? sum : sum.add(bias);                               // [B*h*w, C]
    }
}
