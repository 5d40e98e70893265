package io.vilspark.data.prepare;

import java.io.IOException;
import java.util.UUID;

import io.vilspark.data.DatasetManifest;
import io.vilspark.fs.StorageWriteException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The dataset is built in a hidden folder beside the target ({@code .<name>.prepare-<uuid>}) and
 * renamed into place when every shard is written; the manifest comes last, into the final folder.
 * A dataset is complete exactly when its {@code _manifest.json} exists, so a crash at any point
 * leaves nothing that looks finished, and a failed run removes its staging folder.
 */
record StagedOutput(FileSystem fs, Path target, Path staging) {

    /** Checks the target (refused if it exists, unless overwriting) and names the staging folder. */
    static StagedOutput prepare(String output, boolean overwrite, Configuration conf) throws IOException {
        Path given = new Path(output);
        FileSystem fs = given.getFileSystem(conf);
        Path target = fs.makeQualified(given);
        if (fs.exists(target) && !overwrite) {
            throw new BadSourceException(output + ": already exists (give --overwrite to replace it)");
        }
        if (target.getParent() == null) {
            throw new BadSourceException(output + ": cannot write a dataset at the root of a file system");
        }
        Path staging = new Path(target.getParent(), "." + target.getName() + ".prepare-" + UUID.randomUUID());
        try {
            // now, not when the first shard is written: a folder we may not write to stops the job before any work
            fs.mkdirs(staging);
        } catch (IOException e) {
            throw StorageWriteException.of(output, e).orElseThrow(() -> e);
        }
        return new StagedOutput(fs, target, staging);
    }

    /** Moves the shards into place, then writes the manifest: the last step of a successful run. */
    void commit(DatasetManifest manifest, Configuration conf) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            // the old dataset stops looking complete before anything of it moves
            fs.delete(new Path(target, DatasetManifest.FILE_NAME), false);
            old = new Path(target.getParent(), "." + target.getName() + ".replaced-" + UUID.randomUUID());
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move the existing " + target + " aside to " + old);
            }
        }
        if (!fs.rename(staging, target)) {
            throw new IOException("cannot rename " + staging + " to " + target);
        }
        manifest.write(target.toString(), conf);
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Removes the staging folder after a failure (best effort: the failure is what matters). */
    void abandon() {
        try {
            fs.delete(staging, true);
        } catch (IOException ignored) {
            // a leftover hidden folder has no manifest and is not mistaken for a dataset
        }
    }
}
