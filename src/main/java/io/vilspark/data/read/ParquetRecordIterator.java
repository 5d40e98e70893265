package io.vilspark.data.read;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.vilspark.data.PatchShardSchema;
import io.vilspark.data.ReadFailures;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * The shard records of a list of Parquet files, file after file, without Spark (parquet-hadoop's
 * record reader). Each file's schema is checked against the shard schema before its first row is read,
 * and only the contract's columns are decoded.
 */
public final class ParquetRecordIterator implements Iterator<ShardRecord>, Closeable {
    private final List<Path> files;
    private final Configuration hadoop;
    private int nextFile;
    private ParquetReader<Group> reader;
    private String current;
    private ShardRecord pending;

    public ParquetRecordIterator(List<Path> files, Configuration hadoop) {
        this.files = files;
        this.hadoop = hadoop;
    }

    @Override
    public boolean hasNext() {
        try {
            while (pending == null) {
                if (reader == null && !openNext()) {
                    return false;
                }
                Group g = reader.read();
                if (g == null) {
                    reader.close();
                    reader = null;
                } else {
                    pending = toRecord(g, current);
                }
            }
            return true;
        } catch (IOException e) {
            // Damaged pages surface as IOExceptions from Parquet's decoder; the job reports ShardDataException by name.
            throw new ShardDataException(current + ": cannot read the Parquet data (corrupt file or failed read): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ShardDataException) {
                throw e;
            }
            throw new ShardDataException(current + ": unreadable Parquet data: " + e.getMessage(), e);
        }
    }

    @Override
    public ShardRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ShardRecord r = pending;
        pending = null;
        return r;
    }

    private boolean openNext() throws IOException {
        if (nextFile >= files.size()) {
            return false;
        }
        Path file = files.get(nextFile++);
        current = file.toString();
        MessageType schema;
        try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
            schema = footer.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            throw new ShardDataException(current + ": not a readable Parquet shard (" + ReadFailures.reason(e) + ")", e);
        }
        try {
            PatchShardSchema.validate(ParquetSchemas.toSpark(schema), current);
        } catch (IllegalArgumentException e) {
            throw new ShardDataException(e.getMessage(), e);
        }
        Configuration conf = new Configuration(hadoop);
        conf.set(ReadSupport.PARQUET_READ_SCHEMA, projection(schema).toString());
        reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build();
        return true;
    }

    /** The file's schema cut down to the contract's columns. */
    private static MessageType projection(MessageType schema) {
        Type[] fields = new Type[ShardRecord.COLUMNS.length];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = schema.getType(ShardRecord.COLUMNS[i]);
        }
        return new MessageType(schema.getName(), fields);
    }

    private static ShardRecord toRecord(Group g, String file) {
        String key = g.getFieldRepetitionCount(PatchShardSchema.KEY) == 0 ? null : g.getString(PatchShardSchema.KEY, 0);
        for (String column : ShardRecord.COLUMNS) {
            if (g.getFieldRepetitionCount(column) == 0) {
                throw new ShardDataException(ShardRecord.where(file) + "row " + (key == null ? "with null key" : "'" + key + "'")
                        + ": column '" + column + "' is null");
            }
        }
        return new ShardRecord(key, g.getInteger(PatchShardSchema.LABEL, 0), g.getInteger(PatchShardSchema.GRID_H, 0),
                g.getInteger(PatchShardSchema.GRID_W, 0), g.getInteger(PatchShardSchema.PATCH, 0),
                g.getInteger(PatchShardSchema.CHANNELS, 0), g.getBinary(PatchShardSchema.PIXELS, 0).getBytes(), file);
    }

    @Override
    public void close() throws IOException {
        pending = null;
        nextFile = files.size();
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
