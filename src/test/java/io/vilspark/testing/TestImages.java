package io.vilspark.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import io.vilspark.data.prepare.SyntheticJpegs;

/** Real image files for the tests, drawn in code and encoded with ImageIO. */
public final class TestImages {
    private TestImages() {
    }

    /** An RGB picture with a gradient and a few shapes: every pixel differs from its neighbours. */
    public static BufferedImage drawn(int width, int height, int seed, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / Math.max(1, width - 1) + seed * 37) & 0xFF;
                int g = (y * 255 / Math.max(1, height - 1) + seed * 11) & 0xFF;
                int b = ((x ^ y) * 3 + seed) & 0xFF;
                image.setRGB(x, y, 0xFF000000 | r << 16 | g << 8 | b);
            }
        }
        Graphics2D gr = image.createGraphics();
        gr.setColor(new Color((seed * 97) & 0xFFFFFF));
        gr.fillOval(width / 4, height / 4, width / 2, height / 3);
        gr.dispose();
        return image;
    }

    public static BufferedImage rgb(int width, int height, int seed) {
        return drawn(width, height, seed, BufferedImage.TYPE_3BYTE_BGR);
    }

    public static BufferedImage gray(int width, int height, int seed) {
        BufferedImage g = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = g.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                r.setSample(x, y, 0, (x * 7 + y * 3 + seed) & 0xFF);
            }
        }
        return g;
    }

    /** RGBA with varying alpha: the stored RGB must be the colour samples, alpha dropped. */
    public static BufferedImage rgba(int width, int height, int seed) {
        BufferedImage image = drawn(width, height, seed, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                image.setRGB(x, y, ((x * 5 + y) & 0xFF) << 24 | rgb);
            }
        }
        return image;
    }

    /** 16 bits per sample, grey (1 band) or RGB (3 bands). */
    public static BufferedImage sixteenBit(int width, int height, int bands, int seed) {
        ColorSpace cs = ColorSpace.getInstance(bands == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int b = 0; b < bands; b++) {
                    r.setSample(x, y, b, (x * 1031 + y * 257 + b * 9973 + seed * 31) & 0xFFFF);
                }
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    /** An RGB image of {@code w x h} from channel-major bytes (R plane, G plane, B plane). */
    public static BufferedImage fromChw(byte[] chw, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                image.setRGB(x, y, (chw[i] & 0xFF) << 16 | (chw[plane + i] & 0xFF) << 8 | (chw[2 * plane + i] & 0xFF));
            }
        }
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and image type " + image.getType());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] jpeg(BufferedImage image) {
        return SyntheticJpegs.jpeg(image, 0.95f);
    }

    /**
     * A 4-component JPEG with an Adobe APP14 marker: transform 0 is CMYK (Adobe stores the inks
     * inverted: 255 = no ink), transform 2 is YCCK.
     */
    public static byte[] adobeJpeg(int width, int height, int[][] blocks, int transform) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width * blocks.length, height, 4, null);
        for (int k = 0; k < blocks.length; k++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    raster.setPixel(k * width + x, y, blocks[k]);
                }
            }
        }
        try {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
            ImageWriter writer = writers.next();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(1f);
                writer.write(null, new IIOImage(raster, null, null), param);
            } finally {
                writer.dispose();
            }
            byte[] plain = out.toByteArray();
            byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
            byte[] withMarker = new byte[plain.length + app14.length];
            System.arraycopy(plain, 0, withMarker, 0, 2);
            System.arraycopy(app14, 0, withMarker, 2, app14.length);
            System.arraycopy(plain, 2, withMarker, 2 + app14.length, plain.length - 2);
            return withMarker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid, tiny PNG whose header claims {@code width x height}: decoding it would allocate
     * gigabytes (a decompression bomb), so it must be refused from the header.
     */
    public static byte[] pngClaiming(int width, int height) {
        byte[] png = encode(gray(8, 8, 1), "png");
        // IHDR data starts at 16: width, height (big-endian); its CRC covers type + data (bytes 12..28)
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width);
        b.putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    public static byte[] cut(byte[] bytes, double fraction) {
        return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    }
}
