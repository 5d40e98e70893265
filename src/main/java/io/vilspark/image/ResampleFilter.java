package io.vilspark.image;

import java.util.Locale;

/**
 * Resampling kernels as Pillow defines them. When shrinking, the kernel is stretched by the scale
 * factor (antialiasing), so every source pixel contributes: {@code box} is then exact area
 * averaging, {@code bicubic} is what torchvision's Resize does on PIL images.
 */
public enum ResampleFilter {
    BOX(0.5) {
        @Override
        double weight(double x) {
            return x >= -0.5 && x < 0.5 ? 1.0 : 0.0;
        }
    },
    BILINEAR(1.0) {
        @Override
        double weight(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    },
    BICUBIC(2.0) {
        /** Keys' cubic with a = -0.5 (Pillow's choice). */
        @Override
        double weight(double x) {
            final double a = -0.5;
            double t = Math.abs(x);
            if (t < 1.0) {
                return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
            }
            if (t < 2.0) {
                return (((t - 5.0) * t + 8.0) * t - 4.0) * a;
            }
            return 0.0;
        }
    };

    /** Half-width of the kernel at scale 1, in source pixels. */
    final double support;

    ResampleFilter(double support) {
        this.support = support;
    }

    abstract double weight(double x);

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ResampleFilter parse(String name) {
        for (ResampleFilter f : values()) {
            if (f.configName().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
