package io.vilspark.features;

import java.io.IOException;
import java.util.UUID;

import io.vilspark.config.UsageException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * One output file and its commit protocol. Rows go to a unique temporary file in the folder's
 * {@code _temporary/} (Spark and the readers skip names starting with {@code _}); when the last row
 * is written and the file closed, it is renamed to its final name. The final name therefore only
 * ever holds a complete file, its existence is the partition's "done" mark, and a rerun skips it.
 * A crash leaves at most a temporary file, which the next run's driver deletes.
 */
final class PartitionFile {
    static final String TEMPORARY = "_temporary";

    private final Path target;
    private final FileSystem fs;

    PartitionFile(String target, Configuration conf) throws IOException {
        this.target = new Path(target);
        this.fs = this.target.getFileSystem(conf);
    }

    boolean complete() throws IOException {
        return fs.exists(target);
    }

    /** The statistics a complete file carries in its footer. */
    PartitionStats stats(Configuration conf) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(target, conf))) {
            String json = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(FeatureWriteSupport.STATS_KEY);
            if (json == null) {
                throw new UsageException(target + ": not an extract output file (no " + FeatureWriteSupport.STATS_KEY
                        + " in its footer); remove it or choose another output folder");
            }
            return PartitionStats.fromJson(json);
        }
    }

    /** A writer on a fresh temporary file, and the commit that renames it into place. */
    Writer open(FeatureColumns columns, String compression, Configuration conf) throws IOException {
        Path tmp = new Path(new Path(target.getParent(), TEMPORARY),
                target.getName() + ".attempt-" + UUID.randomUUID());
        FeatureWriteSupport support = new FeatureWriteSupport(columns);
        ParquetWriter<FeatureRow> writer = new Builder(HadoopOutputFile.fromPath(tmp, conf), support)
                .withConf(conf)
                .withCompressionCodec(codec(compression))
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .build();
        return new Writer(tmp, writer, support);
    }

    private static CompressionCodecName codec(String compression) {
        return switch (compression) {
            case "zstd" -> CompressionCodecName.ZSTD;
            case "snappy" -> CompressionCodecName.SNAPPY;
            default -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    /** Rows to the temporary file; {@link #commit} or {@link #abort}. */
    final class Writer {
        private final Path tmp;
        private final ParquetWriter<FeatureRow> parquet;
        private final FeatureWriteSupport support;

        private Writer(Path tmp, ParquetWriter<FeatureRow> parquet, FeatureWriteSupport support) {
            this.tmp = tmp;
            this.parquet = parquet;
            this.support = support;
        }

        void write(FeatureRow row) throws IOException {
            parquet.write(row);
        }

        /** Closes the file with {@code stats} in its footer and renames it to the final name. */
        void commit(PartitionStats stats) throws IOException {
            support.setStats(stats.toJson());
            parquet.close();
            if (!fs.rename(tmp, target)) {
                // another attempt of the same partition (a speculative copy) may have committed first:
                // its file holds the same rows, so this one is dropped
                fs.delete(tmp, false);
                if (!fs.exists(target)) {
                    throw new IOException("cannot rename " + tmp + " to " + target);
                }
            }
        }

        /** After a failure: the temporary file goes (best effort; the next run's driver removes leftovers). */
        void abort() {
            try {
                parquet.close();
            } catch (IOException | RuntimeException ignored) {
                // the failure that brought us here is what matters
            }
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // left for the next run's clean-up
            }
        }
    }

    private static final class Builder extends ParquetWriter.Builder<FeatureRow, Builder> {
        private final FeatureWriteSupport support;

        Builder(OutputFile file, FeatureWriteSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<FeatureRow> getWriteSupport(Configuration conf) {
            return support;
        }
    }
}
