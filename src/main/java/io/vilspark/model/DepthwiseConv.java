package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ViL layer's depthwise 3x3 convolution (zero padding 1, PyTorch weight {@code [C, 1, 3, 3]})
 * over the patch grid, on channel-major activations {@code [C, B*S]}. With {@code reverse} the
 * sequence is taken as flipped (the grid rotated by 180 degrees): the same as convolving the
 * unflipped grid with the taps mirrored, so no data is moved.
 *
 * <p>ND4J's depthwise_conv2d (im2col) was about 100x slower than either form here on ViL's shapes.
 * Up to {@link #DENSE_MAX_SEQUENCE} patches the conv is one batched matmul per channel with an
 * {@code [S, S]} matrix assembled from the taps ({@code taps @ P}, P a constant 0/1 tensor); longer
 * sequences use nine shifted copies of the padded grid (linear in S, more passes over memory).
 */
final class DepthwiseConv {
    /**
     * Longest sequence for the dense form: its [C, S, S] matrix and matmul grow with S squared. At
     * ViL-T's 196 patches the dense form cost 3x the time and 2x the memory of a training pass
     * (batch 1: 29 s and 17 GB against 9 s and 8.4 GB); at the demo's 49 it is the faster one.
     */
    static int DENSE_MAX_SEQUENCE = 64;

    private DepthwiseConv() {
    }

    /** @return the convolution (without bias) as {@code [C, B*S]} */
    static SDVariable define(SameDiff sd, SDVariable x, SDVariable weight, int gridH, int gridW, boolean reverse) {
        int seqLen = gridH * gridW;
        long channels = weight.getShape()[0];
        SDVariable taps = weight.reshape(channels, 9);
        if (seqLen <= DENSE_MAX_SEQUENCE) {
            SDVariable matrices = taps.mmul(sd.constant(tapPlacement(gridH, gridW, reverse, x.dataType())))
                    .reshape(channels, seqLen, seqLen);
            return sd.mmul(x.reshape(channels, -1, seqLen), matrices).reshape(channels, -1);
        }
        return shifted(sd, x, taps, channels, gridH, gridW, reverse);
    }

    /**
     * {@code P [9, S*S]}: {@code P[t, j*S + i] = 1} when patch j is patch i's neighbour under tap t
     * (tap t = 3*dy + dx reads offset (dy-1, dx-1), mirrored in reverse).
     */
    static INDArray tapPlacement(int gridH, int gridW, boolean reverse, DataType dt) {
        int seqLen = gridH * gridW;
        float[][] p = new float[9][seqLen * seqLen];
        int sign = reverse ? -1 : 1;
        for (int t = 0; t < 9; t++) {
            int dy = sign * (t / 3 - 1);
            int dx = sign * (t % 3 - 1);
            for (int r = 0; r < gridH; r++) {
                for (int c = 0; c < gridW; c++) {
                    int nr = r + dy;
                    int nc = c + dx;
                    if (nr >= 0 && nr < gridH && nc >= 0 && nc < gridW) {
                        p[t][(nr * gridW + nc) * seqLen + r * gridW + c] = 1f;
                    }
                }
            }
        }
        return Nd4j.createFromArray(p).castTo(dt);
    }

    /**
     * Nine shifted copies of the zero-padded grid, each scaled per channel. The per-channel tap is
     * spread over the flattened window by a rank-1 matmul with a row of ones ({@link
     * GraphOps#scaleChannels}) rather than broadcast from {@code [C, 1, 1, 1]}: ND4J's broadcasting
     * multiply_bp is ~20x slower than a same-shape one.
     */
    static SDVariable shifted(SameDiff sd, SDVariable x, SDVariable taps, long channels, int gridH, int gridW, boolean reverse) {
        // channels passed in: a reshaped variable's shape is not known while the layer's graph is defined
        SDVariable onesRow = sd.onesLike(x.get(SDIndex.interval(0, 1), SDIndex.all()));    // [1, B*S]
        SDVariable padded = sd.nn().pad(x.reshape(channels, -1, gridH, gridW),
                sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, {0, 0}, {1, 1}, {1, 1}})), 0.0);
        SDVariable sum = null;
        for (int t = 0; t < 9; t++) {
            // mirrored taps read the opposite neighbour: start the window at 2 - dy instead of dy
            int dy = reverse ? 2 - t / 3 : t / 3;
            int dx = reverse ? 2 - t % 3 : t % 3;
            SDVariable window = padded.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(dy, dy + gridH),
                    SDIndex.interval(dx, dx + gridW));
            SDVariable term = GraphOps.scaleChannels(window.reshape(channels, -1),
                    taps.get(SDIndex.all(), SDIndex.interval(t, t + 1)), onesRow);              // [C, B*S]
            sum = sum == null ? term : sum.add(term);
        }
        return sum.reshape(channels, -1);
    }
}
