package io.vilspark.data.read;

import java.io.IOException;

import io.vilspark.data.ReadFailures;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Opens the footer of every shard of a split on the driver before Spark does. Spark's schema merge reads the
 * footers first and turns a damaged file into a stack of task failures; read here, a truncated shard or a stray
 * text file is one line naming the file.
 */
public final class ShardFooters {
    private ShardFooters() {
    }

    /**
     * The total rows of the shards of {@code folder}, each footer opened once.
     *
     * @throws ShardDataException a folder without shards, or a file that is not a readable Parquet shard
     */
    public static long check(String folder, Configuration hadoop) throws IOException {
        long rows = 0;
        for (Path file : ParquetShardFiles.list(folder, hadoop)) {
            rows += rowCount(file, hadoop);
        }
        return rows;
    }

    /** The rows in one shard's footer. */
    public static long rowCount(Path file, Configuration hadoop) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
            return reader.getRecordCount();
        } catch (IOException | RuntimeException e) {
            throw new ShardDataException(file + ": not a readable Parquet shard (" + ReadFailures.reason(e) + ")", e);
        }
    }
}
