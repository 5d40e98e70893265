package io.vilspark.data.read;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The data files of a split folder as Spark sees them: every file whose name does not start with
 * {@code _} or {@code .} ({@code _SUCCESS}, checksums and temporary files are skipped), sorted by
 * name so a local read has a fixed order.
 */
public final class ParquetShardFiles {
    private ParquetShardFiles() {
    }

    public static List<Path> list(String folder, Configuration hadoop) throws IOException {
        Path dir = new Path(folder);
        FileSystem fs = dir.getFileSystem(hadoop);
        if (!fs.exists(dir)) {
            throw new ShardDataException(folder + ": no such split folder");
        }
        if (!fs.getFileStatus(dir).isDirectory()) {
            throw new ShardDataException(folder + ": not a folder of shards");
        }
        List<Path> files = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (s.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                files.add(s.getPath());
            }
        }
        files.sort(Comparator.comparing(Path::getName));
        if (files.isEmpty()) {
            throw new ShardDataException(folder + ": no shard files in the split folder");
        }
        return files;
    }
}
