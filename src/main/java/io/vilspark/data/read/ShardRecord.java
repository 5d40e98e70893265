package io.vilspark.data.read;

import java.io.Serializable;

import io.vilspark.data.PatchShardSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * One row of a patch shard (the shard schema) and the file it came from (for messages).
 *
 * @param source file the row was read from; null when unknown
 */
public record ShardRecord(String key, int label, int gridH, int gridW, int patch, int channels, byte[] pixels,
                          String source) implements Serializable {

    /** The contract columns in the order {@link #fromRow} reads them. */
    static final String[] COLUMNS = {PatchShardSchema.KEY, PatchShardSchema.LABEL, PatchShardSchema.GRID_H,
            PatchShardSchema.GRID_W, PatchShardSchema.PATCH, PatchShardSchema.CHANNELS, PatchShardSchema.PIXELS};
    /** Extra column the Spark read adds: the file of each row. */
    static final String SOURCE_COLUMN = "_vil_source_file";

    /**
     * A shard row. Columns are found by name when the row carries its schema (rows of a DataFrame
     * as read, extra columns allowed), else by position as {@link #COLUMNS} followed optionally
     * by the source file. A null anywhere is refused with the row's key and the column's name.
     */
    public static ShardRecord fromRow(Row row) {
        int[] at = positions(row);
        int sourceAt = at[COLUMNS.length];
        String source = sourceAt >= 0 && !row.isNullAt(sourceAt) ? row.getString(sourceAt) : null;
        String key = row.isNullAt(at[0]) ? null : row.getString(at[0]);
        for (int i = 0; i < COLUMNS.length; i++) {
            if (row.isNullAt(at[i])) {
                throw new ShardDataException(where(source) + "row " + (key == null ? "with null key" : "'" + key + "'")
                        + ": column '" + COLUMNS[i] + "' is null");
            }
        }
        return new ShardRecord(key, row.getInt(at[1]), row.getInt(at[2]), row.getInt(at[3]), row.getInt(at[4]),
                row.getInt(at[5]), (byte[]) row.get(at[6]), source);
    }

    /** Where each contract column (then the source column, -1 if absent) sits in the row. */
    private static int[] positions(Row row) {
        int[] at = new int[COLUMNS.length + 1];
        StructType schema = row.schema();
        if (schema == null) {
            for (int i = 0; i < COLUMNS.length; i++) {
                at[i] = i;
            }
            at[COLUMNS.length] = row.size() > COLUMNS.length ? COLUMNS.length : -1;
            return at;
        }
        for (int i = 0; i < COLUMNS.length; i++) {
            int index = schema.getFieldIndex(COLUMNS[i]).getOrElse(() -> -1);
            if (index < 0) {
                throw new ShardDataException("shard row without column '" + COLUMNS[i] + "' (columns: "
                        + String.join(", ", schema.fieldNames()) + ")");
            }
            at[i] = index;
        }
        at[COLUMNS.length] = schema.getFieldIndex(SOURCE_COLUMN).getOrElse(() -> -1);
        return at;
    }

    /** "file: " when the source is known: the start of every message about this row. */
    static String where(String source) {
        return source == null ? "" : source + ": ";
    }

    /** How messages name this row: the file and the key. */
    String describe() {
        return where(source) + "row '" + key + "'";
    }
}
