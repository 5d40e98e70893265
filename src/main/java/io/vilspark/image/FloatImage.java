package io.vilspark.image;

/**
 * A CHW image as floats on the 0..255 scale of the stored pixels: augmentation works on it without
 * rounding to 8 bits between steps, and whole values stay exact (a flip or a plain crop moves the
 * stored pixels unchanged). Prepare's 8-bit {@code ChwImage} is the stored form; this is the
 * reader's working copy of it.
 */
public record FloatImage(int channels, int height, int width, float[] data) {

    public FloatImage {
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("image data has " + data.length + " values, expected "
                    + channels + "x" + height + "x" + width);
        }
    }

    public static FloatImage fromBytes(byte[] chw, int channels, int height, int width) {
        float[] data = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            data[i] = chw[i] & 0xFF;
        }
        return new FloatImage(channels, height, width, data);
    }

    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    public int planeSize() {
        return height * width;
    }

    /** Mirrored left to right. */
    public FloatImage flipHorizontal() {
        float[] out = new float[data.length];
        for (int row = 0; row < channels * height; row++) {
            int base = row * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = data[base + width - 1 - x];
            }
        }
        return new FloatImage(channels, height, width, out);
    }

    /** The {@code h x w} window whose top-left pixel is ({@code top}, {@code left}). */
    public FloatImage crop(int top, int left, int h, int w) {
        if (top < 0 || left < 0 || top + h > height || left + w > width) {
            throw new IllegalArgumentException("crop " + h + "x" + w + " at (" + top + ", " + left + ") outside a "
                    + height + "x" + width + " image");
        }
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(data, (c * height + top + y) * width + left, out, (c * h + y) * w, w);
            }
        }
        return new FloatImage(channels, h, w, out);
    }

    /**
     * The region {@code [top, top + h) x [left, left + w)} (fractions allowed) resized bicubically (a = -0.5, with
     * the kernel stretched when shrinking, as PIL and torchvision's PIL path do) to {@code outH x outW}; values
     * clamped to 0..255.
     */
    public FloatImage resized(double top, double left, double h, double w, int outH, int outW) {
        float[] out = Resampler.resample((c, y, into) -> System.arraycopy(data, (c * height + y) * width, into, 0, width),
                channels, width, AxisWeights.of(height, top, h, outH, 0, outH, ResampleFilter.BICUBIC),
                AxisWeights.of(width, left, w, outW, 0, outW, ResampleFilter.BICUBIC));
        return new FloatImage(channels, outH, outW, out).clamp();
    }

    /** Luma (ITU-R 601: 0.299 R + 0.587 G + 0.114 B, as PIL's "L"); the image itself when it has one channel. */
    public float[] luma() {
        int plane = planeSize();
        if (channels == 1) {
            return data.clone();
        }
        float[] out = new float[plane];
        for (int i = 0; i < plane; i++) {
            out[i] = 0.299f * data[i] + 0.587f * data[plane + i] + 0.114f * data[2 * plane + i];
        }
        return out;
    }

    /** Values limited to the 0..255 range of the stored pixels (in place). */
    public FloatImage clamp() {
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            data[i] = v < 0 ? 0 : (v > 255 ? 255 : v);
        }
        return this;
    }
}
