package io.vilspark.image;

/**
 * Resampling weights along one axis (Pillow's precompute_coeffs): the source span
 * {@code [start, start + length)} (fractions allowed) is resized to {@code outSize} pixels, and output pixel
 * {@code from + i} is the weighted sum of source pixels {@code first[i] .. first[i] + count[i] - 1}. Only
 * outputs {@code [from, from + n)} are computed, so a centre crop never pays for pixels it throws away.
 * Weights are computed and normalised in double, kept as float.
 */
public final class AxisWeights {
    final int[] first;
    final int[] count;
    /** weights of output i start at i * stride */
    final float[] weights;
    final int stride;

    private AxisWeights(int[] first, int[] count, float[] weights, int stride) {
        this.first = first;
        this.count = count;
        this.weights = weights;
        this.stride = stride;
    }

    /**
     * @param inSize source pixels along the axis
     * @param start  where the resized span starts in the source (pixel edges at integers)
     * @param length how many source pixels the span covers
     * @param outSize pixels the span is resized to
     * @param from   first output pixel computed
     * @param n      output pixels computed
     */
    public static AxisWeights of(int inSize, double start, double length, int outSize, int from, int n,
                                 ResampleFilter filter) {
        double scale = length / outSize;
        double filterScale = Math.max(scale, 1.0); // stretch the kernel when shrinking: antialiasing
        double support = filter.support * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[n];
        int[] count = new int[n];
        float[] weights = new float[n * stride];
        double[] w = new double[stride];
        for (int j = 0; j < n; j++) {
            double center = start + (from + j + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support + 0.5));
            int hi = Math.min(inSize, (int) Math.floor(center + support + 0.5));
            int taps = Math.min(Math.max(hi - lo, 0), stride);
            if (taps == 0) {
                // a span entirely outside the image cannot happen for valid crops; keep the edge pixel
                first[j] = Math.min(Math.max((int) Math.floor(center), 0), inSize - 1);
                count[j] = 1;
                weights[j * stride] = 1;
                continue;
            }
            double sum = 0;
            for (int k = 0; k < taps; k++) {
                w[k] = filter.weight((lo + k - center + 0.5) / filterScale);
                sum += w[k];
            }
            for (int k = 0; k < taps; k++) {
                weights[j * stride + k] = (float) (sum == 0 ? 0 : w[k] / sum);
            }
            first[j] = lo;
            count[j] = taps;
        }
        return new AxisWeights(first, count, weights, stride);
    }

    /** Output pixels these weights compute. */
    public int size() {
        return first.length;
    }

    /** Lowest source index any output reads. */
    int lowest() {
        int m = Integer.MAX_VALUE;
        for (int f : first) {
            m = Math.min(m, f);
        }
        return m;
    }

    /** One past the highest source index any output reads. */
    int highest() {
        int m = 0;
        for (int j = 0; j < first.length; j++) {
            m = Math.max(m, first[j] + count[j]);
        }
        return m;
    }
}
