package io.vilspark.data.read;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Batch-level Mixup / CutMix as timm's {@code Mixup} in batch mode (the reference's settings):
 * each image is mixed with its mirror in the batch (image i with image n-1-i) using one weight
 * lambda per batch. Mixup blends whole images; CutMix pastes a box of the partner, and lambda is
 * then corrected to the pasted area actually kept. Targets are the same blend of the two
 * (smoothed) one-hot vectors, so every label row sums to 1. Mixing is linear, so doing it after
 * normalisation (as timm does, on the normalised tensor) is what happens here too.
 */
final class BatchMixer {
    private BatchMixer() {
    }

    enum Kind { NONE, MIXUP, CUTMIX }

    /**
     * What one batch gets. For CutMix the partner's box is rows {@code [top, bottom)} and columns
     * {@code [left, right)}; {@code lambda} is the share of each image that stays its own.
     */
    record Mix(Kind kind, double lambda, int top, int bottom, int left, int right) {
        static final Mix NONE = new Mix(Kind.NONE, 1, 0, 0, 0, 0);
    }

    /** timm's {@code _params_per_batch} and {@code rand_bbox} (no min/max ratio, lambda corrected). */
    static Mix decide(AugmentationConfig a, int height, int width, SplittableRandom rng) {
        if (!a.mixesBatches() || rng.nextDouble() >= a.mixProb()) {
            return Mix.NONE;
        }
        boolean cutmix;
        double lambda;
        if (a.mixupAlpha() > 0 && a.cutmixAlpha() > 0) {
            cutmix = rng.nextDouble() < a.switchProb();
            double alpha = cutmix ? a.cutmixAlpha() : a.mixupAlpha();
            lambda = BetaDistribution.sample(alpha, alpha, rng);
        } else if (a.mixupAlpha() > 0) {
            cutmix = false;
            lambda = BetaDistribution.sample(a.mixupAlpha(), a.mixupAlpha(), rng);
        } else {
            cutmix = true;
            lambda = BetaDistribution.sample(a.cutmixAlpha(), a.cutmixAlpha(), rng);
        }
        if (!cutmix) {
            return new Mix(Kind.MIXUP, lambda, 0, 0, 0, 0);
        }
        double ratio = Math.sqrt(1 - lambda);
        int cutH = (int) (height * ratio);
        int cutW = (int) (width * ratio);
        int cy = rng.nextInt(height);
        int cx = rng.nextInt(width);
        int top = clip(cy - cutH / 2, height);
        int bottom = clip(cy + cutH / 2, height);
        int left = clip(cx - cutW / 2, width);
        int right = clip(cx + cutW / 2, width);
        double kept = 1 - (double) (bottom - top) * (right - left) / ((double) height * width);
        return new Mix(Kind.CUTMIX, kept, top, bottom, left, right);
    }

    private static int clip(int v, int size) {
        return Math.min(Math.max(v, 0), size);
    }

    /** Mixes the images of an NCHW batch in place ({@code n} images of {@code c x h x w}). */
    static void mixImages(float[] x, int n, int c, int h, int w, Mix mix) {
        if (mix.kind() == Kind.NONE || n < 2) {
            return;
        }
        int size = c * h * w;
        float[] original = Arrays.copyOf(x, n * size);
        for (int i = 0; i < n; i++) {
            int own = i * size;
            int partner = (n - 1 - i) * size;
            if (mix.kind() == Kind.MIXUP) {
                float keep = (float) mix.lambda();
                float take = (float) (1 - mix.lambda());
                for (int k = 0; k < size; k++) {
                    x[own + k] = original[own + k] * keep + original[partner + k] * take;
                }
            } else {
                int boxW = mix.right() - mix.left();
                for (int ch = 0; ch < c; ch++) {
                    for (int y = mix.top(); y < mix.bottom(); y++) {
                        int offset = (ch * h + y) * w + mix.left();
                        System.arraycopy(original, partner + offset, x, own + offset, boxW);
                    }
                }
            }
        }
    }

    /**
     * Targets {@code [n, classes]}: each row {@code lambda * smooth(label[i]) + (1 - lambda) *
     * smooth(label[n-1-i])}, where smooth gives the class {@code 1 - eps + eps/K} and every other
     * class {@code eps/K}. With lambda 1 and eps 0: plain one-hot; label -1 (unlabelled) gives a zero row.
     */
    static float[] targets(int[] labels, int n, int classes, double lambda, double smoothing) {
        float[] y = new float[n * classes];
        double off = smoothing / classes;
        double on = 1 - smoothing + off;
        for (int i = 0; i < n; i++) {
            int own = labels[i];
            int partner = labels[n - 1 - i];
            for (int k = 0; k < classes; k++) {
                double v = share(own, k, lambda, on, off);
                if (lambda < 1) {
                    v += share(partner, k, 1 - lambda, on, off);
                }
                y[i * classes + k] = (float) v;
            }
        }
        return y;
    }

    private static double share(int label, int k, double weight, double on, double off) {
        return label < 0 ? 0 : weight * (k == label ? on : off);
    }
}
