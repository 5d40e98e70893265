package io.vilspark.data;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The shard schema (docs/architecture.md): the columns of a Parquet patch-sequence shard, one row per image. */
public final class PatchShardSchema {
    public static final String KEY = "key";
    public static final String LABEL = "label";
    public static final String GRID_H = "grid_h";
    public static final String GRID_W = "grid_w";
    public static final String PATCH = "patch";
    public static final String CHANNELS = "channels";
    public static final String PIXELS = "pixels";
    /** Label of an unlabelled image. */
    public static final int UNLABELLED = -1;

    public static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField(KEY, DataTypes.StringType, false),
            DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
            DataTypes.createStructField(GRID_H, DataTypes.IntegerType, false),
            DataTypes.createStructField(GRID_W, DataTypes.IntegerType, false),
            DataTypes.createStructField(PATCH, DataTypes.IntegerType, false),
            DataTypes.createStructField(CHANNELS, DataTypes.IntegerType, false),
            DataTypes.createStructField(PIXELS, DataTypes.BinaryType, false),
    });

    private PatchShardSchema() {
    }

    /**
     * Checks that {@code actual} has every contract column with the contract's type (extra columns
     * are allowed); the message names each missing or mistyped column.
     */
    public static void validate(StructType actual, String source) {
        List<String> problems = new ArrayList<>();
        for (StructField want : SCHEMA.fields()) {
            int index = actual.getFieldIndex(want.name()).getOrElse(() -> -1);
            if (index < 0) {
                problems.add("missing column '" + want.name() + "' (" + want.dataType().simpleString() + ")");
                continue;
            }
            DataType got = actual.fields()[index].dataType();
            if (!got.equals(want.dataType())) {
                problems.add("column '" + want.name() + "' is " + got.simpleString() + ", expected "
                        + want.dataType().simpleString());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": not a ViL patch shard: " + String.join("; ", problems));
        }
    }
}
