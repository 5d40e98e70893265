package io.vilspark.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Writes a file on any Hadoop file system so that it either appears complete or not at all:
 * the bytes go to a hidden temporary name beside the target, which is renamed into place
 * only after the stream closed without error; the rename replaces an existing file in one step. A write the storage refuses (no space, permission
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
        // the checksummed file system's rename drops a replaced file's stale .crc too; the raw one writes none
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
            replace(checked, tmp, path, hadoop);
            done = true;
        } finally {
            if (!done) {
                fs.delete(tmp, false);
            }
        }
    }

    /**
     * Moves {@code tmp} onto {@code path} in one rename that replaces an existing file, so a reader finds the old
     * file or the new one and a kill at any moment never leaves the path missing. On a local disk that is POSIX
     * rename(2), which Hadoop's local file system uses; its checksummed form then moves the temporary's
     * {@code .crc} along, or drops the replaced file's stale one. Elsewhere (HDFS) it is the file system's rename
     * with overwrite; Hadoop's {@code FileSystem.rename} without options refuses an existing target there.
     */
    private static void replace(FileSystem checked, Path tmp, Path path, Configuration hadoop) throws IOException {
        if (checked instanceof LocalFileSystem || checked instanceof RawLocalFileSystem) {
            if (checked.exists(path) && checked.getFileStatus(path).isDirectory()) {
                // a local rename onto a folder would move the file into it
                throw new IOException("cannot replace existing " + path + ": it is a folder");
            }
            if (!checked.rename(tmp, path)) {
                throw new IOException("cannot rename " + tmp + " to " + path);
            }
            return;
        }
        FileContext.getFileContext(checked.getUri(), hadoop).rename(tmp, path, Options.Rename.OVERWRITE);
    }
}
