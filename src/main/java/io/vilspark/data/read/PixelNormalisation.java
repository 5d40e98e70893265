package io.vilspark.data.read;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

import io.vilspark.config.SettingsBlock;
import io.vilspark.data.DatasetManifest;
import io.vilspark.image.ChwImage;
import io.vilspark.registry.ModelMetadata;

/**
 * {@code (pixel / 255 - mean[c]) / std[c]}: the reference's input normalisation. Computed in double
 * and rounded once to float, so a stored pixel gives the same float whether it went through the
 * lookup table (unaugmented images) or through the float image path (augmented ones).
 */
public final class PixelNormalisation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] std;
    private transient float[][] table;

    public PixelNormalisation(List<Double> mean, List<Double> std) {
        if (mean == null || std == null || mean.isEmpty() || mean.size() != std.size()) {
            throw new IllegalArgumentException("normalisation needs one mean and one std per channel, got mean "
                    + mean + " and std " + std);
        }
        this.mean = mean.stream().mapToDouble(Double::doubleValue).toArray();
        this.std = std.stream().mapToDouble(Double::doubleValue).toArray();
        for (int c = 0; c < this.mean.length; c++) {
            if (!Double.isFinite(this.mean[c]) || !(this.std[c] > 0) || !Double.isFinite(this.std[c])) {
                throw new IllegalArgumentException("normalisation of channel " + c + ": mean " + this.mean[c]
                        + ", std " + this.std[c] + " (need finite values and std > 0)");
            }
        }
    }

    /**
     * Checks the {@code mean} and {@code std} lists of a block that says {@code normalisation = given}:
     * one of each per channel, finite, every std above 0. Errors name the key in the block.
     */
    public static void checkGiven(SettingsBlock block, List<Double> mean, List<Double> std) {
        if (mean.isEmpty() || mean.size() != std.size()) {
            throw block.error("mean", "normalisation = given needs mean and std lists of the same, non-zero length; got "
                    + mean + " and " + std);
        }
        try {
            new PixelNormalisation(mean, std);
        } catch (IllegalArgumentException e) {
            throw block.error("std", e.getMessage());
        }
    }

    /** The training split's statistics recorded by {@code vil prepare}. */
    public static PixelNormalisation of(DatasetManifest manifest) {
        return new PixelNormalisation(manifest.mean(), manifest.std());
    }

    /** ImageNet's statistics, which the official pretrained checkpoints expect (RGB only). */
    public static PixelNormalisation imagenet() {
        return new PixelNormalisation(ModelMetadata.IMAGENET_MEAN, ModelMetadata.IMAGENET_STD);
    }

    public int channels() {
        return mean.length;
    }

    public List<Double> mean() {
        return Arrays.stream(mean).boxed().toList();
    }

    public List<Double> std() {
        return Arrays.stream(std).boxed().toList();
    }

    /** The normalised value of an 8-bit pixel of channel {@code c}. */
    public float of(int c, int pixel) {
        return lookup()[c][pixel];
    }


    /** Writes a CHW uint8 image into {@code out} from {@code offset}, normalised. */
    void write(byte[] chw, int channels, int planeSize, float[] out, int offset) {
        float[][] t = lookup();
        for (int c = 0; c < channels; c++) {
            float[] lut = t[c];
            int base = c * planeSize;
            for (int i = 0; i < planeSize; i++) {
                out[offset + base + i] = lut[chw[base + i] & 0xFF];
            }
        }
    }

    /**
     * Writes an image (0..255 scale) into {@code out} from {@code offset}, normalised. Whole
     * values (pixels that augmentation only moved) go through the lookup table, so they equal the
     * unaugmented path bit for bit; resampled values are computed (multiplications: this loop is
     * hot).
     */
    void write(ChwImage image, float[] out, int offset) {
        float[][] t = lookup();
        int plane = image.height() * image.width();
        float[] data = image.values();
        for (int c = 0; c < image.channels(); c++) {
            float[] lut = t[c];
            double m = mean[c];
            double scale = 1 / (255.0 * std[c]);
            double shift = m / std[c];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                float v = data[base + i];
                int whole = (int) v;
                out[offset + base + i] = whole == v && whole >= 0 && whole <= 255 ? lut[whole] : (float) (v * scale - shift);
            }
        }
    }

    private float[][] lookup() {
        float[][] t = table;
        if (t == null) {
            t = new float[mean.length][256];
            for (int c = 0; c < mean.length; c++) {
                for (int p = 0; p < 256; p++) {
                    t[c][p] = (float) ((p / 255.0 - mean[c]) / std[c]);
                }
            }
            table = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelNormalisation n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
