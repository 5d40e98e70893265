package io.vilspark.data.prepare;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

import io.vilspark.image.ChwImage;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads records of one IDX images file in ascending index order, as the rows of a shard come:
 * a gzipped file cannot seek, so it is read forward once per shard and reopened only if an
 * index goes backwards.
 */
final class IdxCursor implements Closeable {
    private final String path;
    private final Configuration hadoop;
    private DataInputStream in;
    private IdxHeader header;
    private long next;

    IdxCursor(String path, Configuration hadoop) {
        this.path = path;
        this.hadoop = hadoop;
    }

    String path() {
        return path;
    }

    /** Record {@code index} as a 1 x rows x cols image; EOFException when the file ends before it. */
    ChwImage read(long index) throws IOException {
        if (in == null || index < next) {
            close();
            in = IdxHeader.open(path, hadoop);
            header = IdxHeader.read(in, path);
            if (header.dims().length != 3) {
                throw new BadSourceException(path + ": IDX images need 3 dimensions, found " + header);
            }
            next = 0;
        }
        long bytes = header.recordBytes();
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new BadSourceException(path + ": IDX records of " + bytes + " bytes do not fit one array");
        }
        try {
            skipTo(index, bytes);
        } catch (java.util.zip.ZipException e) {
            next = Long.MAX_VALUE; // a broken gzip stream cannot go on: reopen for any later request
            throw new java.util.zip.ZipException(path + ": corrupt gzip data before record " + index + " ("
                    + e.getMessage() + ")");
        }
        byte[] pixels = new byte[(int) bytes];
        next = index + 1;
        try {
            in.readFully(pixels);
        } catch (EOFException e) {
            next = Long.MAX_VALUE; // the stream is spent: reopen for any later request
            throw new EOFException(path + ": ends inside record " + index);
        } catch (java.util.zip.ZipException e) {
            next = Long.MAX_VALUE;
            throw new java.util.zip.ZipException(path + ": corrupt gzip data in record " + index + " ("
                    + e.getMessage() + ")");
        }
        return ChwImage.fromBytes(pixels, 1, header.dims()[1], header.dims()[2]);
    }

    private void skipTo(long index, long bytes) throws IOException {
        long toSkip = (index - next) * bytes;
        while (toSkip > 0) {
            long skipped = in.skip(toSkip);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException(path + ": ends before record " + index);
                }
                skipped = 1;
            }
            toSkip -= skipped;
        }
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
    }
}
