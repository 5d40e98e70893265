package io.vilspark.data.read;

import java.util.SplittableRandom;

import io.vilspark.image.ChwImage;

/**
 * torchvision's ColorJitter(brightness = contrast = saturation = s, no hue): factors drawn from
 * [max(0, 1 - s), 1 + s] and applied in a random order, each a blend with a reference image and
 * clamped to the pixel range: black (brightness), the mean luma (contrast), the luma image
 * (saturation; nothing to do for one channel).
 */
final class ColorJitter {
    private ColorJitter() {
    }

    static ChwImage apply(ChwImage image, double strength, SplittableRandom rng) {
        int[] order = {0, 1, 2};
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double lo = Math.max(0, 1 - strength);
        double hi = 1 + strength;
        double brightness = RandomDraws.uniform(rng, lo, hi);
        double contrast = RandomDraws.uniform(rng, lo, hi);
        double saturation = RandomDraws.uniform(rng, lo, hi);
        ChwImage out = new ChwImage(image.channels(), image.height(), image.width(), image.values().clone());
        for (int op : order) {
            switch (op) {
                case 0 -> brightness(out, (float) brightness);
                case 1 -> contrast(out, (float) contrast);
                default -> saturation(out, (float) saturation);
            }
        }
        return out;
    }

    static void brightness(ChwImage image, float factor) {
        float[] d = image.values();
        for (int i = 0; i < d.length; i++) {
            d[i] *= factor;
        }
        image.clamp();
    }

    static void contrast(ChwImage image, float factor) {
        float[] luma = image.luma();
        double sum = 0;
        for (float v : luma) {
            sum += v;
        }
        float mean = (float) (sum / luma.length);
        float[] d = image.values();
        for (int i = 0; i < d.length; i++) {
            d[i] = factor * d[i] + (1 - factor) * mean;
        }
        image.clamp();
    }

    static void saturation(ChwImage image, float factor) {
        if (image.channels() == 1) {
            return;
        }
        float[] luma = image.luma();
        float[] d = image.values();
        int plane = image.planeSize();
        for (int c = 0; c < image.channels(); c++) {
            for (int i = 0; i < plane; i++) {
                d[c * plane + i] = factor * d[c * plane + i] + (1 - factor) * luma[i];
            }
        }
        image.clamp();
    }
}
