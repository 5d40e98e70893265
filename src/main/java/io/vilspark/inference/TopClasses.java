package io.vilspark.inference;

/**
 * The k most probable classes of one image: softmax of its logits (in double, shifted by the
 * largest logit), classes by falling probability, ties to the lower index.
 */
public final class TopClasses {
    /** class indices, most probable first */
    public final int[] classes;
    /** their softmax probabilities */
    public final float[] probabilities;

    private TopClasses(int[] classes, float[] probabilities) {
        this.classes = classes;
        this.probabilities = probabilities;
    }

    /** The top {@code k} of the {@code count} logits starting at {@code offset}. */
    public static TopClasses of(float[] logits, int offset, int count, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double[] p = new double[count];
        double sum = 0;
        for (int c = 0; c < count; c++) {
            p[c] = Math.exp(logits[offset + c] - max);
            sum += p[c];
        }
        int n = Math.min(k, count);
        int[] top = new int[n];
        float[] probs = new float[n];
        boolean[] taken = new boolean[count];
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int c = 0; c < count; c++) {
                if (!taken[c] && (best < 0 || p[c] > p[best])) {
                    best = c;
                }
            }
            taken[best] = true;
            top[i] = best;
            probs[i] = (float) (p[best] / sum);
        }
        return new TopClasses(top, probs);
    }
}
