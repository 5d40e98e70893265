package io.vilspark.image;

/**
 * An 8-bit image in channel-major order {@code [C][H][W]}: the layout PatchLayout cuts into
 * patches, and the one the resampler reads (a row at a time). Prepare keeps decoded images as bytes, a
 * quarter of the memory of the reader's float {@code FloatImage}, since it stores 8-bit pixels and
 * rounds once, after the resize.
 */
public record ChwImage(int channels, int height, int width, byte[] pixels) {
    public ChwImage {
        if (pixels.length != channels * height * width) {
            throw new IllegalArgumentException("expected " + channels + "x" + height + "x" + width + " bytes, got "
                    + pixels.length);
        }
    }

    /** The pixel at channel {@code c}, row {@code y}, column {@code x}, as 0..255. */
    public int at(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xFF;
    }

    /** Grey to RGB by copying the plane; RGB to grey with ITU-R 601-2 luma, rounded as Pillow's convert("L"). */
    public ChwImage withChannels(int target) {
        if (target == channels) {
            return this;
        }
        int plane = height * width;
        if (channels == 1 && target == 3) {
            byte[] out = new byte[3 * plane];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(pixels, 0, out, c * plane, plane);
            }
            return new ChwImage(3, height, width, out);
        }
        if (channels == 3 && target == 1) {
            byte[] out = new byte[plane];
            for (int i = 0; i < plane; i++) {
                int r = pixels[i] & 0xFF;
                int g = pixels[plane + i] & 0xFF;
                int b = pixels[2 * plane + i] & 0xFF;
                out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
            return new ChwImage(1, height, width, out);
        }
        throw new IllegalArgumentException("cannot convert " + channels + " channels to " + target);
    }
}
