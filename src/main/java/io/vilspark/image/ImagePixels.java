package io.vilspark.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * A decoded {@link BufferedImage} as a CHW image of whole 8-bit values: 1 channel for grey sources, 3 for
 * everything else. Grey and RGB samples are taken as stored (as Pillow does; the JDK's own conversion would treat
 * grey as linear light and brighten it), 16-bit samples are rounded to 8 bits, alpha is dropped
 * (Pillow's {@code convert("RGB")}), palette and other colour models go through sRGB.
 */
public final class ImagePixels {
    private ImagePixels() {
    }

    /** The image's pixels as CHW values 0..255, 1 channel for grey sources and 3 for all others. */
    public static ChwImage toChw(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        if (cm instanceof ComponentColorModel && isIntegral(cm.getTransferType())) {
            int type = cm.getColorSpace().getType();
            int colours = cm.getNumColorComponents();
            if ((type == ColorSpace.TYPE_GRAY && colours == 1) || (type == ColorSpace.TYPE_RGB && colours == 3)) {
                return samples(image.getRaster(), colours, cm.getComponentSize(0));
            }
        }
        return viaSrgb(image);
    }

    private static boolean isIntegral(int transferType) {
        return transferType == DataBuffer.TYPE_BYTE || transferType == DataBuffer.TYPE_USHORT;
    }

    private static ChwImage samples(Raster raster, int channels, int bits) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        float[] out = new float[channels * h * w];
        int[] row = new int[w];
        long max = (1L << bits) - 1;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, c, row);
                int base = (c * h + y) * w;
                if (bits == 8) {
                    for (int x = 0; x < w; x++) {
                        out[base + x] = row[x] & 0xFF;
                    }
                } else {
                    for (int x = 0; x < w; x++) {
                        out[base + x] = (row[x] * 255L + max / 2) / max;
                    }
                }
            }
        }
        return new ChwImage(channels, h, w, out);
    }

    private static ChwImage viaSrgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        float[] out = new float[3 * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int i = y * w + x;
                out[i] = (argb >> 16) & 0xFF;
                out[plane + i] = (argb >> 8) & 0xFF;
                out[2 * plane + i] = argb & 0xFF;
            }
        }
        return new ChwImage(3, h, w, out);
    }
}
