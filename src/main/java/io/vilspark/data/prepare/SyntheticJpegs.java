package io.vilspark.data.prepare;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Drawn JPEGs in class folders, for the prepare benchmark: gradients, shapes and noise, so that
 * they compress about like photographs (a flat image would decode unrealistically fast).
 */
public final class SyntheticJpegs {
    private SyntheticJpegs() {
    }

    /** Writes {@code dir/class<k>/img<i>.jpg}; returns the total bytes written. */
    public static long write(Path dir, int count, int width, int height, int classes, long seed) throws IOException {
        for (int k = 0; k < classes; k++) {
            Files.createDirectories(dir.resolve("class" + k));
        }
        AtomicLong bytes = new AtomicLong();
        try {
            IntStream.range(0, count).parallel().forEach(i -> {
                byte[] jpeg = jpeg(draw(width, height, new Random(seed * 7919 + i)), 0.9f);
                try {
                    Files.write(dir.resolve("class" + (i % classes)).resolve(String.format("img%07d.jpg", i)), jpeg);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                bytes.addAndGet(jpeg.length);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return bytes.get();
    }

    static BufferedImage draw(int width, int height, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(random.nextInt(0xFFFFFF)), width, height,
                new Color(random.nextInt(0xFFFFFF))));
        g.fillRect(0, 0, width, height);
        for (int s = 0; s < 12; s++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.setStroke(new BasicStroke(1 + random.nextInt(8)));
            int x = random.nextInt(width);
            int y = random.nextInt(height);
            int w = 10 + random.nextInt(width / 2);
            int h = 10 + random.nextInt(height / 2);
            if (s % 2 == 0) {
                g.fillOval(x - w / 2, y - h / 2, w, h);
            } else {
                g.drawLine(x, y, x + w, y + h);
            }
        }
        g.dispose();
        // sensor-like noise: photographs are never flat
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int n = random.nextInt(17) - 8;
                int r = clamp(((rgb >> 16) & 0xFF) + n);
                int gr = clamp(((rgb >> 8) & 0xFF) + n);
                int b = clamp((rgb & 0xFF) + n);
                image.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return image;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** Baseline JPEG at the given quality. */
    public static byte[] jpeg(BufferedImage image, float quality) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
