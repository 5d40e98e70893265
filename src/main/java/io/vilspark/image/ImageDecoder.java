package io.vilspark.image;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;


/**
 * One image file's bytes to pixels, or the reason it is skipped. The dimensions are read from the
 * header and checked before anything is decoded, so a decompression bomb costs a header read.
 */
public final class ImageDecoder {
    private final long maxPixels;
    private final int minSide;

    /**
     * @param maxPixels images with more pixels (width x height) are skipped as too large
     * @param minSide images narrower or lower than this (one patch) are skipped as too small
     */
    public ImageDecoder(long maxPixels, int minSide) {
        this.maxPixels = maxPixels;
        this.minSide = minSide;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public ChwImage decode(byte[] bytes) throws SkippedInput {
        if (bytes.length == 0) {
            throw new SkippedInput(SkipReason.EMPTY, "0 bytes");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new SkippedInput(SkipReason.NOT_AN_IMAGE, "not JPEG, PNG, GIF or BMP by its first bytes");
        }
        boolean complete = format.looksComplete(bytes);
        ImageReader reader = Plugins.reader(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if ((long) width * height > maxPixels || width <= 0 || height <= 0) {
                throw new SkippedInput(SkipReason.TOO_LARGE, width + "x" + height + " pixels, limit " + maxPixels);
            }
            if (Math.min(width, height) < minSide) {
                throw new SkippedInput(SkipReason.TOO_SMALL, width + "x" + height + ", smaller than a patch of "
                        + minSide);
            }
            if (!complete) {
                throw new SkippedInput(SkipReason.TRUNCATED, format + " without its end marker");
            }
            return ImagePixels.toChw(reader.read(0));
        } catch (IOException | RuntimeException e) {
            boolean cut = !complete || hasEof(e);
            throw new SkippedInput(cut ? SkipReason.TRUNCATED : SkipReason.CORRUPT, format + ": " + e);
        } finally {
            reader.dispose();
        }
    }

    private static boolean hasEof(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    /** ImageIO readers; registered once per JVM, also where the job jar came through a child class loader. */
    private static final class Plugins {
        static {
            ImageIO.setUseCache(false); // decode in memory, no temporary files on the executor's disk
            ImageIO.scanForPlugins();
        }

        /** A fresh reader; for JPEG the TwelveMonkeys one (CMYK, YCCK, more tolerant) when present. */
        static ImageReader reader(ImageFormat format) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
            ImageReader chosen = null;
            while (readers.hasNext()) {
                ImageReader r = readers.next();
                if (chosen == null || r.getClass().getName().startsWith("com.twelvemonkeys.")) {
                    chosen = r;
                }
            }
            if (chosen == null) {
                throw new IllegalStateException("no ImageIO reader for " + format);
            }
            return chosen;
        }
    }
}
