package io.vilspark.data;

/**
 * The pixel order of the shard schema (docs/architecture.md): patches in raster order of the grid (top-left
 * first, row by row); inside a patch channel-major {@code [C][P][P]}, rows then columns. This is
 * the flatten order of a PyTorch Conv2d weight {@code [D, C, P, P]}, so the reference patch
 * embedding is a dense layer on each patch vector. Patches tile the image exactly.
 */
public final class PatchLayout {
    private final int channels;
    private final int gridH;
    private final int gridW;
    private final int patch;

    public PatchLayout(int channels, int gridH, int gridW, int patch) {
        if (channels < 1 || gridH < 1 || gridW < 1 || patch < 1) {
            throw new IllegalArgumentException("invalid patch layout: channels " + channels + ", grid "
                    + gridH + "x" + gridW + ", patch " + patch);
        }
        this.channels = channels;
        this.gridH = gridH;
        this.gridW = gridW;
        this.patch = patch;
    }

    public int channels() { return channels; }
    public int gridH() { return gridH; }
    public int gridW() { return gridW; }
    public int patch() { return patch; }
    public int height() { return gridH * patch; }
    public int width() { return gridW * patch; }
    /** Bytes of one image: grid_h * grid_w * channels * patch * patch. */
    public int size() { return gridH * gridW * channels * patch * patch; }

    /** Offset in the patch sequence of pixel (channel c, row y, column x) of the image. */
    public int offset(int c, int y, int x) {
        int patchIndex = (y / patch) * gridW + (x / patch);
        return ((patchIndex * channels + c) * patch + (y % patch)) * patch + (x % patch);
    }

    /** CHW image bytes (channel-major, rows, columns) to the patch sequence. */
    public byte[] toPatches(byte[] chw) {
        return copy(chw, true);
    }

    /** The patch sequence back to CHW image bytes. */
    public byte[] toImage(byte[] patches) {
        return copy(patches, false);
    }

    /** One patch row (P bytes) is contiguous in both layouts: copy row by row, either way. */
    private byte[] copy(byte[] from, boolean toPatches) {
        checkLength(from.length);
        byte[] out = new byte[size()];
        int h = height();
        int w = width();
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x += patch) {
                    int image = (c * h + y) * w + x;
                    int patches = offset(c, y, x);
                    if (toPatches) {
                        System.arraycopy(from, image, out, patches, patch);
                    } else {
                        System.arraycopy(from, patches, out, image, patch);
                    }
                }
            }
        }
        return out;
    }

    private void checkLength(int length) {
        if (length != size()) {
            throw new IllegalArgumentException("expected " + size() + " bytes (" + channels + "x" + height() + "x"
                    + width() + "), got " + length);
        }
    }
}
