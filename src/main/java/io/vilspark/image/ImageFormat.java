package io.vilspark.image;

/**
 * Image container formats, told apart by their first bytes (never by the file name), with the
 * structural sign of a complete file that tells a truncated file from a corrupt one.
 */
public enum ImageFormat {
    JPEG("jpeg"),
    PNG("png"),
    GIF("gif"),
    BMP("bmp");

    /** ImageIO's format name */
    public final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The format by magic number, or null. */
    public static ImageFormat sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return PNG;
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8'
                && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return GIF;
        }
        if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
            return BMP;
        }
        return null;
    }

    /**
     * Whether the file ends as a complete file of this format does. Decoders disagree on what they
     * do with a cut file (the JPEG decoder fills the rest with grey and only warns), so this is
     * checked on the bytes.
     */
    public boolean looksComplete(byte[] b) {
        return switch (this) {
            // EOI; trailing padding after it is common, and FF D9 cannot occur inside entropy-coded data
            case JPEG -> lastIndexOf(b, new byte[] {(byte) 0xFF, (byte) 0xD9}, 64 * 1024) >= 0;
            case PNG -> lastIndexOf(b, new byte[] {'I', 'E', 'N', 'D'}, 1024) >= 0;
            // the trailer byte ';' (0x3B) is the last one, apart from zero padding
            case GIF -> lastNonZero(b) == 0x3B;
            // the header's file size; some writers put 0 there, then the pixel data offset must fit at least
            case BMP -> {
                long declared = littleEndianInt(b, 2) & 0xFFFFFFFFL;
                long dataOffset = littleEndianInt(b, 10) & 0xFFFFFFFFL;
                yield (declared == 0 || declared <= b.length) && dataOffset <= b.length;
            }
        };
    }

    private static int lastIndexOf(byte[] b, byte[] pattern, int window) {
        int stop = Math.max(0, b.length - window);
        for (int i = b.length - pattern.length; i >= stop; i--) {
            boolean match = true;
            for (int k = 0; k < pattern.length && match; k++) {
                match = b[i + k] == pattern[k];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    private static int lastNonZero(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != 0) {
                return b[i] & 0xFF;
            }
        }
        return -1;
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
