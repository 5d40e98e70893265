package io.vilspark.data.prepare;

/**
 * Resampling weights along one axis (Pillow's precompute_coeffs): output pixel {@code i} of a
 * resize from {@code inSize} to {@code outSize} is the weighted sum of source pixels
 * {@code first[i] .. first[i] + count[i] - 1}. Only outputs {@code [from, from + n)} are computed,
 * so a centre crop never pays for pixels it throws away.
 */
final class AxisWeights {
    final int[] first;
    final int[] count;
    /** weights of output i start at i * stride */
    final double[] weights;
    final int stride;

    private AxisWeights(int[] first, int[] count, double[] weights, int stride) {
        this.first = first;
        this.count = count;
        this.weights = weights;
        this.stride = stride;
    }

    static AxisWeights of(int inSize, int outSize, int from, int n, ResampleFilter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0); // stretch the kernel when shrinking: antialiasing
        double support = filter.support * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[n];
        int[] count = new int[n];
        double[] weights = new double[n * stride];
        for (int j = 0; j < n; j++) {
            double center = (from + j + 0.5) * scale;
            int lo = Math.max(0, (int) (center - support + 0.5));
            int hi = Math.min(inSize, (int) (center + support + 0.5));
            double sum = 0;
            for (int x = lo; x < hi; x++) {
                double w = filter.weight((x - center + 0.5) / filterScale);
                weights[j * stride + x - lo] = w;
                sum += w;
            }
            if (sum != 0) {
                for (int x = lo; x < hi; x++) {
                    weights[j * stride + x - lo] /= sum;
                }
            }
            first[j] = lo;
            count[j] = hi - lo;
        }
        return new AxisWeights(first, count, weights, stride);
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
