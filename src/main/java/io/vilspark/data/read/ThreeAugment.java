package io.vilspark.data.read;

import java.util.Arrays;
import java.util.SplittableRandom;

import io.vilspark.image.ChwImage;

/**
 * DeiT III's "3-augment": each image gets exactly one of grayscale (luma in every channel),
 * solarisation (pixels at or above 128 inverted) or a Gaussian blur with sigma drawn from
 * [0.1, 2.0], chosen uniformly.
 */
final class ThreeAugment {
    static final float SOLARISE_THRESHOLD = 128f;
    static final double BLUR_SIGMA_MIN = 0.1;
    static final double BLUR_SIGMA_MAX = 2.0;

    private ThreeAugment() {
    }

    static ChwImage apply(ChwImage image, SplittableRandom rng) {
        return switch (rng.nextInt(3)) {
            case 0 -> grayscale(image);
            case 1 -> solarise(image);
            default -> blur(image, RandomDraws.uniform(rng, BLUR_SIGMA_MIN, BLUR_SIGMA_MAX));
        };
    }

    static ChwImage grayscale(ChwImage image) {
        float[] luma = image.luma();
        float[] out = new float[image.values().length];
        for (int c = 0; c < image.channels(); c++) {
            System.arraycopy(luma, 0, out, c * luma.length, luma.length);
        }
        return new ChwImage(image.channels(), image.height(), image.width(), out);
    }

    static ChwImage solarise(ChwImage image) {
        float[] out = image.values().clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= SOLARISE_THRESHOLD) {
                out[i] = 255f - out[i];
            }
        }
        return new ChwImage(image.channels(), image.height(), image.width(), out);
    }

    /** Separable Gaussian, kernel cut at 3 sigma, borders extended with the edge pixel. */
    static ChwImage blur(ChwImage image, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * radius + 1];
        double total = 0;
        for (int i = -radius; i <= radius; i++) {
            double v = Math.exp(-(i * i) / (2 * sigma * sigma));
            k[i + radius] = (float) v;
            total += v;
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) total;
        }
        int h = image.height();
        int w = image.width();
        float[] in = image.values();
        float[] tmp = new float[in.length];
        float[] out = new float[in.length];
        float[] padded = new float[w + 2 * radius];
        for (int c = 0; c < image.channels(); c++) {
            int base = c * h * w;
            // rows: copy each row into an edge-extended buffer, then a plain convolution
            for (int y = 0; y < h; y++) {
                int row = base + y * w;
                System.arraycopy(in, row, padded, radius, w);
                Arrays.fill(padded, 0, radius, in[row]);
                Arrays.fill(padded, radius + w, w + 2 * radius, in[row + w - 1]);
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int j = 0; j < k.length; j++) {
                        s += k[j] * padded[x + j];
                    }
                    tmp[row + x] = s;
                }
            }
            // columns: whole rows at a time, source row index clamped at the borders
            for (int y = 0; y < h; y++) {
                int dst = base + y * w;
                for (int j = -radius; j <= radius; j++) {
                    int src = base + Math.min(Math.max(y + j, 0), h - 1) * w;
                    float kj = k[j + radius];
                    for (int x = 0; x < w; x++) {
                        out[dst + x] += kj * tmp[src + x];
                    }
                }
            }
        }
        return new ChwImage(image.channels(), h, w, out).clamp();
    }
}
