package io.vilspark.data.read;

/**
 * Resizes a rectangle of an image with the bicubic kernel (a = -0.5, as PIL and torchvision's
 * PIL path use) separably, rows then columns. When shrinking, the kernel is stretched by the scale
 * factor, so every source pixel contributes (antialiasing, as PIL does); without it a 256-to-28
 * resize would alias badly.
 */
final class BicubicResampler {
    private static final double A = -0.5;
    private static final double SUPPORT = 2.0;

    private BicubicResampler() {
    }

    /** Taps along one axis: for output i, {@code count[i]} source positions from {@code first[i]} with their weights. */
    private record Taps(int[] first, int[] count, float[] weights, int stride) {
    }

    /**
     * The region {@code [top, top + height) x [left, left + width)} of {@code src} (fractions allowed)
     * resized to {@code outH x outW}; values clamped to 0..255.
     */
    static FloatImage resize(FloatImage src, double top, double left, double height, double width, int outH, int outW) {
        Taps columns = taps(src.width(), left, width, outW);
        Taps rows = taps(src.height(), top, height, outH);
        int rowLo = rows.first()[0];
        int rowHi = rowLo;
        for (int i = 0; i < outH; i++) {
            rowHi = Math.max(rowHi, rows.first()[i] + rows.count()[i]);
            rowLo = Math.min(rowLo, rows.first()[i]);
        }
        int c = src.channels();
        int usedRows = rowHi - rowLo;
        // horizontal pass over the source rows the vertical taps use
        float[] tmp = new float[c * usedRows * outW];
        float[] in = src.data();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < usedRows; y++) {
                int srcRow = (ch * src.height() + rowLo + y) * src.width();
                int dstRow = (ch * usedRows + y) * outW;
                for (int x = 0; x < outW; x++) {
                    int first = columns.first()[x];
                    int n = columns.count()[x];
                    int w0 = x * columns.stride();
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        sum += columns.weights()[w0 + k] * in[srcRow + first + k];
                    }
                    tmp[dstRow + x] = (float) sum;
                }
            }
        }
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outH; y++) {
                int first = rows.first()[y] - rowLo;
                int n = rows.count()[y];
                int w0 = y * rows.stride();
                int dstRow = (ch * outH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        sum += rows.weights()[w0 + k] * tmp[(ch * usedRows + first + k) * outW + x];
                    }
                    out[dstRow + x] = (float) sum;
                }
            }
        }
        return new FloatImage(c, outH, outW, out).clamp();
    }

    /**
     * Output pixel i covers source coordinates around {@code start + (i + 0.5) * scale} (pixel
     * centres at half-integers); the kernel is evaluated at the source pixel centres within its
     * support, truncated at the image border and renormalised there.
     */
    private static Taps taps(int inSize, double start, double length, int outSize) {
        double scale = length / outSize;
        double stretch = Math.max(scale, 1.0);
        double support = SUPPORT * stretch;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        float[] weights = new float[outSize * stride];
        for (int i = 0; i < outSize; i++) {
            double centre = start + (i + 0.5) * scale;
            int lo = Math.max((int) Math.floor(centre - support + 0.5), 0);
            int hi = Math.min((int) Math.floor(centre + support + 0.5), inSize);
            int n = Math.min(Math.max(hi - lo, 0), stride);
            double total = 0;
            double[] w = new double[n];
            for (int k = 0; k < n; k++) {
                w[k] = kernel((lo + k + 0.5 - centre) / stretch);
                total += w[k];
            }
            if (n == 0) {
                // a region entirely outside the image cannot happen for valid crops; keep the edge pixel
                lo = Math.min(Math.max((int) Math.floor(centre), 0), inSize - 1);
                n = 1;
                w = new double[] {1};
                total = 1;
            }
            first[i] = lo;
            count[i] = n;
            for (int k = 0; k < n; k++) {
                weights[i * stride + k] = (float) (total == 0 ? 0 : w[k] / total);
            }
        }
        return new Taps(first, count, weights, stride);
    }

    /** Keys' cubic convolution kernel with a = -0.5. */
    static double kernel(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0;
    }
}
