package io.vilspark.data.prepare;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The header of an IDX file (MNIST's format): {@code 0 0 type ndims}, then one big-endian int32
 * per dimension. Only unsigned bytes (type 0x08) are images or labels. Files may be gzipped
 * (detected by content).
 *
 * @param dims dimensions: {@code [N]} for labels, {@code [N, rows, cols]} for images
 */
record IdxHeader(int[] dims) {
    static final int UNSIGNED_BYTE = 0x08;
    /** Deflate cannot expand more than about 1032:1, so a gzipped file's content is at most this times its size. */
    private static final long GZIP_MAX_RATIO = 1032;
    /**
     * A plain file cut short keeps its records (the missing ones are skipped as truncated); a header
     * claiming more than this many times the bytes present is a wrong header, not a cut file.
     */
    private static final long CUT_FILE_TOLERANCE = 2;

    int count() {
        return dims[0];
    }

    /** Bytes per record: the product of the dimensions after the first. */
    long recordBytes() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    long headerBytes() {
        return 4L + 4L * dims.length;
    }

    /** Every failure is the file's fault: BadSourceException names it (and is still an IOException). */
    static IdxHeader read(DataInputStream in, String name) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new BadSourceException(name + ": not an IDX file (shorter than its magic number)");
        }
        int type = (magic >>> 8) & 0xFF;
        int ndims = magic & 0xFF;
        if ((magic >>> 16) != 0 || ndims < 1 || ndims > 4) {
            throw new BadSourceException(name + ": not an IDX file (magic number 0x" + Integer.toHexString(magic) + ")");
        }
        if (type != UNSIGNED_BYTE) {
            throw new BadSourceException(name + ": IDX element type 0x" + Integer.toHexString(type)
                    + ", only unsigned bytes (0x08) are images or labels");
        }
        int[] dims = new int[ndims];
        for (int i = 0; i < ndims; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new BadSourceException(name + ": IDX header cut short");
            }
            if (dims[i] < 0) {
                throw new BadSourceException(name + ": negative IDX dimension " + dims[i]);
            }
        }
        return new IdxHeader(dims);
    }

    /**
     * Reads only the header of a (possibly gzipped) IDX file, and refuses one that claims far more
     * data than the file can hold, before anything is listed or allocated for its records.
     */
    static IdxHeader read(String path, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(hadoop);
        long fileLength = fs.getFileStatus(p).getLen();
        boolean gzipped;
        try (InputStream head = fs.open(p)) {
            gzipped = isGzipMagic(head.read(), head.read());
        }
        try (DataInputStream in = open(path, hadoop)) {
            IdxHeader header = read(in, path);
            header.checkFits(fileLength, gzipped, path);
            return header;
        } catch (java.util.zip.ZipException e) {
            throw new BadSourceException(path + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw new BadSourceException(path + ": IDX header cut short");
        }
    }

    private void checkFits(long fileLength, boolean gzipped, String path) throws BadSourceException {
        long limit = (gzipped ? GZIP_MAX_RATIO : CUT_FILE_TOLERANCE) * fileLength;
        long data = 1;
        for (int d : dims) {
            // saturates instead of overflowing: anything past the limit is refused anyway
            data = d == 0 ? 0 : (data > Long.MAX_VALUE / d ? Long.MAX_VALUE : data * d);
        }
        if (data > limit - headerBytes()) {
            throw new BadSourceException(path + ": IDX header " + this + " claims "
                    + (data == Long.MAX_VALUE ? "about 2^63" : Long.toString(data)) + " data bytes, far more than the "
                    + fileLength + "-byte " + (gzipped ? "gzipped " : "") + "file can hold");
        }
    }

    private static boolean isGzipMagic(int b0, int b1) {
        return b0 == 0x1F && b1 == 0x8B;
    }

    /** Opens an IDX file, unzipping it when it starts with the gzip magic. */
    static DataInputStream open(String path, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        BufferedInputStream raw = new BufferedInputStream(p.getFileSystem(hadoop).open(p), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = isGzipMagic(b0, b1) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
