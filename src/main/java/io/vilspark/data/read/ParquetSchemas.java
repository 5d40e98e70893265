package io.vilspark.data.read;

import java.util.ArrayList;
import java.util.List;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Parquet file's schema in Spark's terms, as far as the shard contract needs it, so that a file
 * read without Spark is checked by the same {@link io.vilspark.data.PatchShardSchema#validate} as
 * one read with Spark (and the messages name the same types).
 */
final class ParquetSchemas {
    private ParquetSchemas() {
    }

    static StructType toSpark(GroupType schema) {
        List<StructField> fields = new ArrayList<>();
        for (Type t : schema.getFields()) {
            DataType type = t.isPrimitive() ? primitive(t.asPrimitiveType()) : toSpark(t.asGroupType());
            if (t.isRepetition(Type.Repetition.REPEATED)) {
                type = DataTypes.createArrayType(type);
            }
            fields.add(DataTypes.createStructField(t.getName(), type, !t.isRepetition(Type.Repetition.REQUIRED)));
        }
        return DataTypes.createStructType(fields);
    }

    private static DataType primitive(PrimitiveType p) {
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        switch (p.getPrimitiveTypeName()) {
            case INT32:
                if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && i.getBitWidth() < 32) {
                    return i.getBitWidth() == 8 ? DataTypes.ByteType : DataTypes.ShortType;
                }
                return logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation ? DataTypes.DateType
                        : DataTypes.IntegerType;
            case INT64:
                return DataTypes.LongType;
            case INT96:
                return DataTypes.TimestampType;
            case FLOAT:
                return DataTypes.FloatType;
            case DOUBLE:
                return DataTypes.DoubleType;
            case BOOLEAN:
                return DataTypes.BooleanType;
            case BINARY:
                return logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                        ? DataTypes.StringType : DataTypes.BinaryType;
            default:
                return DataTypes.BinaryType;
        }
    }
}
