package io.vilspark.ml;

import java.util.Arrays;
import java.util.List;

import io.vilspark.data.PatchShardSchema;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Which of Spark's image representations an input column holds, told from the schema: the
 * {@code image} data source's struct, encoded file bytes ({@code binaryFile}'s {@code content}),
 * or a prepared shard's patch row (a struct with the contract-1 columns, or the {@code pixels}
 * column of a shard DataFrame whose other contract columns sit beside it).
 */
enum InputKind {
    IMAGE_STRUCT, FILE_BYTES, PATCH_STRUCT, PATCH_COLUMNS;

    static final List<String> IMAGE_FIELDS = List.of("height", "width", "nChannels", "mode", "data");
    static final List<String> PATCH_FIELDS = List.of(PatchShardSchema.GRID_H, PatchShardSchema.GRID_W,
            PatchShardSchema.PATCH, PatchShardSchema.CHANNELS, PatchShardSchema.PIXELS);

    /** The kind of {@code column} in {@code schema}; an unusable column is refused by name and type. */
    static InputKind of(StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("inputCol '" + column + "' is not a column (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        DataType type = schema.apply(column).dataType();
        if (type instanceof StructType struct) {
            List<String> fields = Arrays.asList(struct.fieldNames());
            if (fields.containsAll(IMAGE_FIELDS)) {
                return IMAGE_STRUCT;
            }
            if (fields.containsAll(PATCH_FIELDS)) {
                return PATCH_STRUCT;
            }
        } else if (type instanceof BinaryType) {
            boolean shard = column.equals(PatchShardSchema.PIXELS)
                    && Arrays.asList(schema.fieldNames()).containsAll(PATCH_FIELDS);
            return shard ? PATCH_COLUMNS : FILE_BYTES;
        }
        throw new IllegalArgumentException("inputCol '" + column + "' is " + type.simpleString() + "; expected the "
                + "image data source's struct, binary image file content (binaryFile) or a shard patch row");
    }
}
