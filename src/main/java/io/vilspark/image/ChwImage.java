package io.vilspark.image;

/**
 * An image in channel-major order {@code [C][H][W]} (the layout PatchLayout cuts into patches), as floats
 * on the 0..255 scale of 8-bit pixels. Every stage uses it: prepare and extract decode into it, convert
 * its channels, resize and crop it and round it to bytes only where they store pixels; the reader
 * rebuilds it from the stored bytes and augments it without rounding between steps. Whole values stay
 * exact (a flip or a plain crop moves the stored pixels unchanged). The price of one type is memory: a
 * decoded image takes 4 bytes per sample while in flight (an RGB image at prepare's default pixel limit,
 * about 1 GiB), which a task holds for one image at a time.
 */
public record ChwImage(int channels, int height, int width, float[] values) {

    public ChwImage {
        if (values.length != channels * height * width) {
            throw new IllegalArgumentException("image has " + values.length + " values, expected "
                    + channels + "x" + height + "x" + width);
        }
    }

    /** 8-bit CHW pixels as an image. */
    public static ChwImage fromBytes(byte[] chw, int channels, int height, int width) {
        float[] values = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            values[i] = chw[i] & 0xFF;
        }
        return new ChwImage(channels, height, width, values);
    }

    /** The 8-bit pixels: each value rounded half up and limited to 0..255 (whole values are kept as they are). */
    public byte[] toBytes() {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) pixel(values[i]);
        }
        return out;
    }

    /** The value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return values[(c * height + y) * width + x];
    }

    /** Pixels in one channel. */
    public int planeSize() {
        return height * width;
    }

    /**
     * Grey to RGB by copying the plane; RGB to grey with ITU-R 601-2 luma in Pillow's integer arithmetic on
     * the 8-bit pixels, so a decoded image converts exactly as Pillow's {@code convert("L")}.
     */
    public ChwImage withChannels(int target) {
        if (target == channels) {
            return this;
        }
        int plane = planeSize();
        if (channels == 1 && target == 3) {
            float[] out = new float[3 * plane];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(values, 0, out, c * plane, plane);
            }
            return new ChwImage(3, height, width, out);
        }
        if (channels == 3 && target == 1) {
            float[] out = new float[plane];
            for (int i = 0; i < plane; i++) {
                int r = pixel(values[i]);
                int g = pixel(values[plane + i]);
                int b = pixel(values[2 * plane + i]);
                out[i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
            }
            return new ChwImage(1, height, width, out);
        }
        throw new IllegalArgumentException("cannot convert " + channels + " channels to " + target);
    }

    /** Mirrored left to right. */
    public ChwImage flipHorizontal() {
        float[] out = new float[values.length];
        for (int row = 0; row < channels * height; row++) {
            int base = row * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = values[base + width - 1 - x];
            }
        }
        return new ChwImage(channels, height, width, out);
    }

    /** The {@code h x w} window whose top-left pixel is ({@code top}, {@code left}). */
    public ChwImage crop(int top, int left, int h, int w) {
        if (top < 0 || left < 0 || top + h > height || left + w > width) {
            throw new IllegalArgumentException("crop " + h + "x" + w + " at (" + top + ", " + left + ") outside a "
                    + height + "x" + width + " image");
        }
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(values, (c * height + top + y) * width + left, out, (c * h + y) * w, w);
            }
        }
        return new ChwImage(channels, h, w, out);
    }

    /**
     * The region {@code [top, top + h) x [left, left + w)} (fractions allowed) resized bicubically (a = -0.5, with
     * the kernel stretched when shrinking, as PIL and torchvision's PIL path do) to {@code outH x outW}; values
     * clamped to 0..255.
     */
    public ChwImage resized(double top, double left, double h, double w, int outH, int outW) {
        return Resampler.resample(this, AxisWeights.of(height, top, h, outH, 0, outH, ResampleFilter.BICUBIC),
                AxisWeights.of(width, left, w, outW, 0, outW, ResampleFilter.BICUBIC)).clamp();
    }

    /** Luma (ITU-R 601: 0.299 R + 0.587 G + 0.114 B, as PIL's "L"); the image itself when it has one channel. */
    public float[] luma() {
        int plane = planeSize();
        if (channels == 1) {
            return values.clone();
        }
        float[] out = new float[plane];
        for (int i = 0; i < plane; i++) {
            out[i] = 0.299f * values[i] + 0.587f * values[plane + i] + 0.114f * values[2 * plane + i];
        }
        return out;
    }

    /** Values limited to the 0..255 range of 8-bit pixels (in place). */
    public ChwImage clamp() {
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            values[i] = v < 0 ? 0 : (v > 255 ? 255 : v);
        }
        return this;
    }

    /** Values rounded to the 8-bit pixels they are stored as (in place), as {@link #toBytes()} rounds them. */
    public ChwImage rounded() {
        for (int i = 0; i < values.length; i++) {
            values[i] = pixel(values[i]);
        }
        return this;
    }

    private static int pixel(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
