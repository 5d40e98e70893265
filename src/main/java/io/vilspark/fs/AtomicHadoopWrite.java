package io.vilspark.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a file on any Hadoop file system so that it either appears complete or not at all:
 * the bytes go to a hidden temporary name beside the target, which is renamed into place
 * only after the stream closed without error. A write the storage refuses (no space, permission
 * denied) fails with a {@link StorageWriteException} that names the target.
 */
public final class AtomicHadoopWrite {
    /** Writes the content of a file; may throw. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private AtomicHadoopWrite() {
    }

    public static void write(String target, Configuration hadoop, Body body) throws IOException {
        write(target, hadoop, body, true);
    }

    /**
     * As {@link #write}, for the small JSON files a user may read and edit by hand (manifests, plans, registry
     * records): on a local disk without Hadoop's hidden {@code .crc} checksum file beside it, which would make
     * every later read of an edited file fail with a checksum error.
     */
    public static void writeEditable(String target, Configuration hadoop, Body body) throws IOException {
        write(target, hadoop, body, false);
    }

    private static void write(String target, Configuration hadoop, Body body, boolean checksum) throws IOException {
        try {
            writeAtomically(target, hadoop, body, checksum);
        } catch (IOException e) {
            throw StorageWriteException.of(target, e).orElseThrow(() -> e);
        }
    }

    private static void writeAtomically(String target, Configuration hadoop, Body body, boolean checksum)
            throws IOException {
        Path path = new Path(target);
        FileSystem checked = path.getFileSystem(hadoop);
        // the checksummed file system deletes a replaced file's stale .crc too; the raw one writes none
        FileSystem fs = !checksum && checked instanceof ChecksumFileSystem c ? c.getRawFileSystem() : checked;
        Path parent = path.getParent();
        if (parent != null && !fs.exists(parent) && !fs.mkdirs(parent)) {
            throw new IOException("cannot create folder " + parent);
        }
        Path tmp = new Path(parent, "._tmp-" + path.getName() + "-" + UUID.randomUUID());
        boolean done = false;
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                body.write(out);
            }
            if (checked.exists(path) && !checked.delete(path, false)) {
                throw new IOException("cannot replace existing " + path);
            }
            if (!fs.rename(tmp, path)) {
                throw new IOException("cannot rename " + tmp + " to " + path);
            }
            done = true;
        } finally {
            if (!done) {
                fs.delete(tmp, false);
            }
        }
    }
}
