package io.vilspark.data.read;

import java.util.SplittableRandom;

import io.vilspark.image.ChwImage;

/**
 * torchvision's RandomResizedCrop: up to ten tries at a crop of random area (fraction of the
 * image from {@code scale}) and aspect ratio (log-uniform in {@code aspect}) that fits; otherwise
 * the largest centred crop whose aspect ratio is within the range. The crop is resized bicubically.
 */
final class RandomResizedCrop {
    private static final int ATTEMPTS = 10;

    private RandomResizedCrop() {
    }

    /** A crop window: top-left corner and size, in source pixels. */
    record Window(int top, int left, int height, int width) {
    }

    static ChwImage apply(ChwImage image, AugmentationConfig a, int outH, int outW, SplittableRandom rng) {
        Window w = sample(image.height(), image.width(), a.cropScaleMin(), a.cropScaleMax(), a.cropAspectMin(),
                a.cropAspectMax(), rng);
        return image.resized(w.top(), w.left(), w.height(), w.width(), outH, outW);
    }

    static Window sample(int height, int width, double scaleMin, double scaleMax, double aspectMin, double aspectMax,
                         SplittableRandom rng) {
        double area = (double) height * width;
        double logMin = Math.log(aspectMin);
        double logMax = Math.log(aspectMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * RandomDraws.uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(RandomDraws.uniform(rng, logMin, logMax));
            // Python's round() rounds halves to even, as Math.rint does
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Window(top, left, h, w);
            }
        }
        double ratio = (double) width / height;
        int w;
        int h;
        if (ratio < aspectMin) {
            w = width;
            h = (int) Math.rint(w / aspectMin);
        } else if (ratio > aspectMax) {
            h = height;
            w = (int) Math.rint(h * aspectMax);
        } else {
            w = width;
            h = height;
        }
        return new Window((height - h) / 2, (width - w) / 2, h, w);
    }
}
