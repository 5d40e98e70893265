package io.vilspark.data.prepare;

/**
 * torchvision's evaluation transform {@code Resize(R)} + {@code CenterCrop(R)}: the shorter side
 * becomes R (the longer one {@code int(R * long / short)}), then the centre R x R is kept, with the
 * crop offset rounded as Python's {@code round} does (half to even). Resampling is separable
 * (horizontal, then vertical) and computes only the cropped pixels. An image whose shorter side is
 * already R is only cropped, never resampled, so its pixels are stored unchanged.
 */
final class ResizeCrop {
    private final int resolution;
    private final ResampleFilter filter;

    ResizeCrop(int resolution, ResampleFilter filter) {
        this.resolution = resolution;
        this.filter = filter;
    }

    ChwImage apply(ChwImage src) {
        int h = src.height();
        int w = src.width();
        int r = resolution;
        int outH;
        int outW;
        if (h <= w) {
            outH = r;
            outW = (int) ((long) r * w / h);
        } else {
            outW = r;
            outH = (int) ((long) r * h / w);
        }
        int top = (int) Math.rint((outH - r) / 2.0);
        int left = (int) Math.rint((outW - r) / 2.0);
        if (outH == h && outW == w) {
            return crop(src, top, left);
        }
        return resample(src, outH, outW, top, left);
    }

    private ChwImage crop(ChwImage src, int top, int left) {
        int r = resolution;
        if (top == 0 && left == 0 && src.height() == r && src.width() == r) {
            return src;
        }
        byte[] out = new byte[src.channels() * r * r];
        for (int c = 0; c < src.channels(); c++) {
            for (int y = 0; y < r; y++) {
                System.arraycopy(src.pixels(), (c * src.height() + top + y) * src.width() + left, out, (c * r + y) * r, r);
            }
        }
        return new ChwImage(src.channels(), r, r, out);
    }

    private ChwImage resample(ChwImage src, int outH, int outW, int top, int left) {
        int r = resolution;
        int h = src.height();
        int w = src.width();
        AxisWeights horizontal = AxisWeights.of(w, outW, left, r, filter);
        AxisWeights vertical = AxisWeights.of(h, outH, top, r, filter);
        float[] hw = toFloats(horizontal.weights);
        float[] vw = toFloats(vertical.weights);
        // horizontal pass over only the source rows the vertical pass reads
        int rowLo = vertical.lowest();
        int rows = vertical.highest() - rowLo;
        byte[] in = src.pixels();
        byte[] out = new byte[src.channels() * r * r];
        float[] row = new float[w];
        float[] tmp = new float[rows * r];
        float[] acc = new float[r];
        for (int c = 0; c < src.channels(); c++) {
            for (int y = 0; y < rows; y++) {
                int rowBase = (c * h + rowLo + y) * w;
                for (int x = 0; x < w; x++) {
                    row[x] = in[rowBase + x] & 0xFF;
                }
                int t = y * r;
                for (int j = 0; j < r; j++) {
                    int base = j * horizontal.stride;
                    int x0 = horizontal.first[j];
                    float s = 0;
                    for (int k = 0, n = horizontal.count[j]; k < n; k++) {
                        s += hw[base + k] * row[x0 + k];
                    }
                    tmp[t + j] = s;
                }
            }
            // vertical pass: whole rows at a time, so the inner loop runs along memory
            for (int i = 0; i < r; i++) {
                java.util.Arrays.fill(acc, 0f);
                int base = i * vertical.stride;
                int y0 = vertical.first[i] - rowLo;
                for (int k = 0, n = vertical.count[i]; k < n; k++) {
                    float weight = vw[base + k];
                    int t = (y0 + k) * r;
                    for (int j = 0; j < r; j++) {
                        acc[j] += weight * tmp[t + j];
                    }
                }
                int o = (c * r + i) * r;
                for (int j = 0; j < r; j++) {
                    out[o + j] = (byte) clampRound(acc[j]);
                }
            }
        }
        return new ChwImage(src.channels(), r, r, out);
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static int clampRound(float v) {
        int rounded = Math.round(v);
        return Math.max(0, Math.min(255, rounded));
    }
}
