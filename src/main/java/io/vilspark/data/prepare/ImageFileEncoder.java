package io.vilspark.data.prepare;

import java.io.IOException;
import java.io.InputStream;

import io.vilspark.image.ResizeCrop;
import io.vilspark.image.SkipReason;
import io.vilspark.image.SkippedInput;
import io.vilspark.image.ImageDecoder;
import io.vilspark.data.PatchLayout;
import io.vilspark.image.ChwImage;
import io.vilspark.image.ResampleFilter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * One image file to its stored form: read (size limits first), decode (header checks before any
 * pixel), convert to the stored channels, resize the shorter side to R and centre-crop R x R. The
 * code path of {@code vil prepare}, shared with jobs that read image collections directly
 * ({@code vil extract --format images}), so both store exactly the same pixels.
 */
public final class ImageFileEncoder {
    private final PatchLayout layout;
    private final long maxFileBytes;
    private final ImageDecoder decoder;
    private final ResizeCrop resizeCrop;

    /** An encoded image's patch bytes (shard schema order), or why the file was skipped (then {@code patches} is null). */
    public record Result(byte[] patches, SkipReason skipped, String detail) {
        public boolean ok() {
            return patches != null;
        }
    }

    /**
     * @param resolution   stored side R, a multiple of {@code patch}
     * @param maxPixels    larger images (by their header) are skipped as too large
     * @param maxFileBytes larger files are skipped as too large without reading them
     */
    public ImageFileEncoder(int resolution, int patch, int channels, ResampleFilter filter, long maxPixels,
                            long maxFileBytes) {
        this.layout = new PatchLayout(channels, resolution / patch, resolution / patch, patch);
        this.maxFileBytes = maxFileBytes;
        this.decoder = new ImageDecoder(maxPixels, patch);
        this.resizeCrop = new ResizeCrop(resolution, filter);
    }

    public PatchLayout layout() {
        return layout;
    }

    /** The file at {@code path} ({@code size} bytes, as listed) as patch bytes, or the skip reason. */
    public Result encode(String path, long size, Configuration conf) {
        try {
            return new Result(layout.toPatches(stored(path, size, conf)), null, null);
        } catch (SkippedInput skip) {
            return new Result(null, skip.reason, skip.getMessage());
        }
    }

    /** A file's bytes already in memory (e.g. a {@code binaryFile} row's content) as patch bytes, or the skip reason. */
    public Result encode(byte[] bytes) {
        try {
            if (bytes.length > maxFileBytes) {
                throw new SkippedInput(SkipReason.TOO_LARGE, bytes.length + " bytes, limit " + maxFileBytes);
            }
            return patches(decoder.decode(bytes));
        } catch (SkippedInput skip) {
            return new Result(null, skip.reason, skip.getMessage());
        }
    }

    /**
     * Decoded 8-bit pixels, channel-major {@code [C][H][W]} with 1 (grey) or 3 (RGB) channels, as
     * patch bytes: the same size checks, channel conversion, resize and crop as a file's.
     */
    public Result encode(int channels, int height, int width, byte[] chw) {
        try {
            if ((long) width * height > decoder.maxPixels()) {
                throw new SkippedInput(SkipReason.TOO_LARGE, width + "x" + height + " pixels, limit " + decoder.maxPixels());
            }
            if (Math.min(width, height) < layout.patch()) {
                throw new SkippedInput(SkipReason.TOO_SMALL, width + "x" + height + ", smaller than a patch of "
                        + layout.patch());
            }
            return patches(ChwImage.fromBytes(chw, channels, height, width));
        } catch (SkippedInput skip) {
            return new Result(null, skip.reason, skip.getMessage());
        }
    }

    private Result patches(ChwImage decoded) {
        return new Result(layout.toPatches(stored(decoded)), null, null);
    }

    /**
     * The stored pixels, 8-bit CHW (channels converted, resized, cropped, rounded); what prepare also takes its
     * statistics from.
     */
    byte[] stored(String path, long size, Configuration conf) throws SkippedInput {
        return stored(read(path, size, conf));
    }

    /** A decoded image (a file's or an IDX record's) to its stored pixels. */
    byte[] stored(ChwImage decoded) {
        return resizeCrop.apply(decoded.withChannels(layout.channels())).toBytes();
    }

    private ChwImage read(String path, long size, Configuration conf) throws SkippedInput {
        if (size == 0) {
            throw new SkippedInput(SkipReason.EMPTY, "0 bytes");
        }
        if (size > maxFileBytes) {
            throw new SkippedInput(SkipReason.TOO_LARGE, size + " bytes, limit " + maxFileBytes);
        }
        byte[] bytes;
        Path p = new Path(path);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            bytes = in.readNBytes((int) size);
        } catch (IOException e) {
            throw new SkippedInput(SkipReason.UNREADABLE, e.toString());
        }
        return decoder.decode(bytes);
    }
}
