package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ViL layer's depthwise 3x3 convolution (zero padding 1, PyTorch weight {@code [C, 1, 3, 3]})
 * over the patch grid, on channel-major activations {@code [C, B*S]}, plus its bias. With
 * {@code reverse} the sequence is taken as flipped (the grid rotated by 180 degrees): the same as
 * convolving the unflipped grid with the kernel rotated by 180 degrees, so no data is moved.
 *
 * <p>With the Java kernels ({@link ElementwiseKernels}) it is {@link DepthwiseConvOp}, on the
 * channel-major rows as they are (ViL-T training, batch 4 per pass: ~60 ms per pass where ND4J's
 * conv with its permutes took ~140). With ND4J's ops: up to {@link #DENSE_MAX_SEQUENCE} patches
 * the conv is one batched matmul per channel with an {@code [S, S]} matrix assembled from the
 * taps ({@code taps @ P}, P a constant 0/1 tensor). Longer
 * sequences go to ND4J's {@code depthwise_conv2d}, which the oneDNN build of the CPU backend
 * (the project's default, see pom.xml) runs with oneDNN's kernel: at ViL-T's [8, 384, 14, 14] 2 ms
 * forward and 4 ms backward channels first, where ND4J's plain build takes 150 and 330 ms.
 */
final class DepthwiseConv {
    /**
     * Longest sequence for the dense form: its [C, S, S] matrix and matmul grow with S squared. At
     * ViL-T's 196 patches it cost 3x the time and 2x the memory of a training pass (batch 1: 29 s and
     * 17 GB against 9 s and 8.4 GB with nine shifted windows); at the demo's 49 it is as fast as
     * the native conv and needs no layout change.
     */
    static int DENSE_MAX_SEQUENCE = 64;

    private DepthwiseConv() {
    }

    /**
     * @param x      channel-major activations {@code [C, B*S]}
     * @param weight PyTorch's {@code [C, 1, 3, 3]}
     * @param bias   {@code [C]}
     * @param kernels the Java op, or ND4J's (then the dense form's bias goes through these as well)
     * @return the convolution plus bias, {@code [C, B*S]}
     */
    static SDVariable define(SameDiff sd, SDVariable x, SDVariable weight, SDVariable bias, int gridH, int gridW,
                             boolean reverse, ElementwiseKernels kernels) {
        int seqLen = gridH * gridW;
        // channels from the weight: a reshaped variable's shape is not known while the graph is defined
        long channels = weight.getShape()[0];
        SDVariable taps = weight.reshape(channels, 9);
        if (kernels.isJava()) {
            return new DepthwiseConvOp(sd, x, taps, bias, gridH, gridW, reverse).outputVariable();
        }
        if (seqLen <= DENSE_MAX_SEQUENCE) {
            SDVariable matrices = taps.mmul(sd.constant(tapPlacement(gridH, gridW, reverse, x.dataType())))
                    .reshape(channels, seqLen, seqLen);
            return kernels.addRowBias(sd, sd.mmul(x.reshape(channels, -1, seqLen), matrices).reshape(channels, -1), bias);
        }
        return nativeConv(sd, x, reverse ? sd.reverse(taps, 1) : taps, bias, channels, gridH, gridW);
    }

    /**
     * ND4J's depthwise_conv2d on the grid as channels-last images {@code [B, H, W, C]} (a permute of
     * {@code [C, B, H, W]} each way), kernel {@code [3, 3, C, 1]} from taps {@code [C, 9]} in row-major
     * order. Channels last because oneDNN's depthwise kernel wants them there: at ViL-T's
     * {@code [16, 384, 14, 14]}, one thread, 0.7 ms against 3.7-5.0 ms for channels first.
     */
    private static SDVariable nativeConv(SameDiff sd, SDVariable x, SDVariable taps, SDVariable bias, long channels,
                                         int gridH, int gridW) {
        SDVariable kernel = taps.reshape(channels, 3, 3).permute(1, 2, 0).reshape(3, 3, channels, 1);
        // permutes of the 4-D grid: ~2 ms at [384, 16, 14, 14] where a 2-D transpose of [C, B*S] takes 2.7-3.8
        SDVariable images = x.reshape(channels, -1, gridH, gridW).permute(1, 2, 3, 0);
        Conv2DConfig padded = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1)
                .dataFormat(Conv2DConfig.NHWC).build();
        SDVariable y = sd.cnn().depthWiseConv2d(images, kernel, bias, padded);            // [B, H, W, C]
        return y.permute(3, 0, 1, 2).reshape(channels, -1);
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
}
