package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** SameDiff building blocks shared by the ViL stages, written to match PyTorch's definitions. */
final class GraphOps {
    private GraphOps() {
    }

    /** {@code x @ w^T + b} for rows {@code x [n, in]}, PyTorch weight {@code w [out, in]}; b may be null. */
    static SDVariable linear(SameDiff sd, SDVariable x, SDVariable w, SDVariable b) {
        SDVariable y = sd.mmul(x, w, false, true, false);
        return b == null ? y : y.add(b);
    }

    /** {@code (x - mean) / sqrt(var + eps)} over {@code axis}, biased variance, as {@code F.layer_norm} without affine. */
    static SDVariable standardize(SameDiff sd, SDVariable x, double eps, int axis) {
        return standardize(sd, x, null, eps, axis);
    }

    /** As {@link #standardize(SameDiff, SDVariable, double, int)} with an eps per row ({@code epsRows}, shaped like the mean). */
    static SDVariable standardize(SameDiff sd, SDVariable x, SDVariable epsRows, int axis) {
        return standardize(sd, x, epsRows, 0.0, axis);
    }

    private static SDVariable standardize(SameDiff sd, SDVariable x, SDVariable epsRows, double eps, int axis) {
        SDVariable centred = x.sub(x.mean(true, axis));
        SDVariable variance = centred.mul(centred).mean(true, axis);
        // a divide: ND4J's broadcasting multiply_bp is ~5x slower than divide_bp here
        return centred.div(sd.math().sqrt(epsRows == null ? variance.add(eps) : variance.add(epsRows)));
    }

    /**
     * {@link #standardize} over the rows of {@code x [R, width]}, for a graph that is differentiated:
     * in ops whose backward passes are fast on ND4J's CPU backend. Centring is a matmul with the
     * constant {@code I - 1/width}, the variance a matmul with a column of {@code 1/width}, and the
     * division a same-shape multiply by {@code 1/sqrt(var + eps)} spread over the row by a rank-1
     * matmul. The broadcasting divide_bp they replace took ~4 ms at [12544, 32] (the demo's per-head
     * norm, one thread), and reduce_mean_bp and the broadcasting subtract_bp 1-2.5 ms each.
     *
     * @param epsRows an eps per row {@code [R, 1]}, or null for {@code eps}
     */
    static SDVariable standardizeRows(SameDiff sd, SDVariable x, int width, SDVariable epsRows, double eps) {
        DataType dt = x.dataType();
        INDArray centring = Nd4j.eye(width).subi(1.0 / width).castTo(dt);
        SDVariable centred = x.mmul(sd.constant(centring));
        SDVariable variance = centred.mul(centred).mmul(sd.constant(Nd4j.valueArrayOf(new long[] {width, 1}, 1.0 / width, dt)));
        SDVariable inverseStd = sd.math().sqrt(epsRows == null ? variance.add(eps) : variance.add(epsRows)).rdiv(1.0);
        return centred.mul(inverseStd.mmul(sd.constant(Nd4j.ones(dt, 1, width))));
    }

    /**
     * Layer norm over the last axis of rows {@code x [n, D]}. With {@code residualWeight} the scale
     * is {@code 1 + weight} (the reference's LayerNorm); weight and bias may be null.
     */
    static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable weight, SDVariable bias,
                                boolean residualWeight, double eps) {
        SDVariable y = standardize(sd, x, eps, 1);
        if (weight != null) {
            y = y.mul(residualWeight ? weight.add(1.0) : weight);
        }
        return bias == null ? y : y.add(bias);
    }

    /**
     * {@code x * v} for channel-major {@code x [C, n]} and a per-channel vector {@code v [C]}: for a
     * graph that is differentiated, v is first spread to {@code [C, n]} by a rank-1 matmul with
     * {@code onesRow}, because ND4J's broadcasting multiply_bp is ~20x slower than a same-shape
     * multiply_bp plus a matmul_bp; without {@code onesRow} (forward passes only) a plain broadcast.
     */
    static SDVariable scaleChannels(SDVariable x, SDVariable v, SDVariable onesRow) {
        return x.mul(onesRow == null ? v.reshape(-1, 1) : v.reshape(-1, 1).mmul(onesRow));
    }

    /** A column of ones {@code [n, 1]} for rows {@code x [n, C]} (n is only known at run time). */
    static SDVariable onesColumn(SameDiff sd, SDVariable x) {
        return sd.onesLike(x.get(SDIndex.all(), SDIndex.interval(0, 1)));
    }
}
