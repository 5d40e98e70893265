package io.vilspark.image;

import java.util.Arrays;

/**
 * The one separable resampler: horizontal pass over only the source rows the vertical pass reads, then the
 * vertical pass a whole row at a time, with float weights and sums. Prepare's resize + centre crop and the
 * reader's crops both go through it; they differ only in what they do with the result: prepare rounds it to
 * 8 bits, the reader keeps floats, both clamped to 0..255.
 */
public final class Resampler {
    private Resampler() {
    }

    /**
     * @return {@code [channels][vertical.size()][horizontal.size()]}; not clamped, since bicubic overshoots
     *         near edges and the caller decides how a value is stored
     */
    public static ChwImage resample(ChwImage source, AxisWeights vertical, AxisWeights horizontal) {
        int channels = source.channels();
        int sourceWidth = source.width();
        float[] in = source.values();
        int outH = vertical.size();
        int outW = horizontal.size();
        int rowLo = vertical.lowest();
        int rows = vertical.highest() - rowLo;
        float[] out = new float[channels * outH * outW];
        float[] tmp = new float[rows * outW];
        float[] acc = new float[outW];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < rows; y++) {
                int row = (c * source.height() + rowLo + y) * sourceWidth;
                int t = y * outW;
                for (int j = 0; j < outW; j++) {
                    int base = j * horizontal.stride;
                    int x0 = row + horizontal.first[j];
                    float s = 0;
                    for (int k = 0, n = horizontal.count[j]; k < n; k++) {
                        s += horizontal.weights[base + k] * in[x0 + k];
                    }
                    tmp[t + j] = s;
                }
            }
            // vertical pass: whole rows at a time, so the inner loop runs along memory
            for (int i = 0; i < outH; i++) {
                Arrays.fill(acc, 0f);
                int base = i * vertical.stride;
                int y0 = vertical.first[i] - rowLo;
                for (int k = 0, n = vertical.count[i]; k < n; k++) {
                    float weight = vertical.weights[base + k];
                    int t = (y0 + k) * outW;
                    for (int j = 0; j < outW; j++) {
                        acc[j] += weight * tmp[t + j];
                    }
                }
                System.arraycopy(acc, 0, out, (c * outH + i) * outW, outW);
            }
        }
        return new ChwImage(channels, outH, outW, out);
    }
}
