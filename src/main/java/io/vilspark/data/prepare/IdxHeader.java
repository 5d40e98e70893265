package io.vilspark.data.prepare;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

import org.apache.hadoop.conf.Configuration;
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

    static IdxHeader read(DataInputStream in, String name) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException(name + ": not an IDX file (shorter than its magic number)");
        }
        int type = (magic >>> 8) & 0xFF;
        int ndims = magic & 0xFF;
        if ((magic >>> 16) != 0 || ndims < 1 || ndims > 4) {
            throw new IOException(name + ": not an IDX file (magic number 0x" + Integer.toHexString(magic) + ")");
        }
        if (type != UNSIGNED_BYTE) {
            throw new IOException(name + ": IDX element type 0x" + Integer.toHexString(type)
                    + ", only unsigned bytes (0x08) are images or labels");
        }
        int[] dims = new int[ndims];
        for (int i = 0; i < ndims; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new IOException(name + ": negative IDX dimension " + dims[i]);
            }
        }
        return new IdxHeader(dims);
    }

    /** Reads only the header of a (possibly gzipped) IDX file. */
    static IdxHeader read(String path, Configuration hadoop) throws IOException {
        try (DataInputStream in = open(path, hadoop)) {
            return read(in, path);
        } catch (EOFException e) {
            throw new IOException(path + ": IDX header cut short");
        }
    }

    /** Opens an IDX file, unzipping it when it starts with the gzip magic. */
    static DataInputStream open(String path, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        BufferedInputStream raw = new BufferedInputStream(p.getFileSystem(hadoop).open(p), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = b0 == 0x1F && b1 == 0x8B ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
