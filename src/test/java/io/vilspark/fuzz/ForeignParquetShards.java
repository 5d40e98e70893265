package io.vilspark.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Parquet files written by Parquet's own writer with schemas that are not quite the shard schema: each
 * contract column kept, dropped, made nullable (with nulls), retyped, repeated or turned into a
 * group; extra and nested columns added; values that are right for the layout most of the time and
 * interesting integers or wrong-sized pixel blobs otherwise. Real files, so the reader's schema
 * checks (not Parquet's decoder) are what is exercised.
 */
public final class ForeignParquetShards {

    /** The contract's columns, in order; index 0 is the string key, 6 the pixel bytes, the rest int32. */
    static final String[] COLUMNS = {"key", "label", "grid_h", "grid_w", "patch", "channels", "pixels"};
    private static final int[] INTERESTING_INTS = {0, 1, -1, 2, 3, 4, 7, 255, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE};
    private static final String[] EXTRA_NAMES = {"extra", "source", "features", "nested", "Key", "label "};

    private enum Shape { CONTRACT, MISSING, NULLABLE, RETYPED, REPEATED, GROUP }

    private final int[] layoutValues;
    private final int pixelBytes;
    private final Configuration conf = new Configuration();

    /**
     * @param label    a label that is right for the dataset
     * @param gridH    the manifest's values: what a contract row holds
     */
    public ForeignParquetShards(int label, int gridH, int gridW, int patch, int channels) {
        this.layoutValues = new int[] {0, label, gridH, gridW, patch, channels};
        this.pixelBytes = gridH * gridW * patch * patch * channels;
    }

    /** A contract shard of a few rows (the seed for byte mutations). */
    public byte[] contractFile(Path scratch, Random random) throws IOException {
        Shape[] shapes = new Shape[COLUMNS.length];
        java.util.Arrays.fill(shapes, Shape.CONTRACT);
        return write(scratch, shapes, 0, 1 + random.nextInt(4), 0.0, random);
    }

    /** A file with a randomly foreign schema and values. */
    public byte[] foreignFile(Path scratch, Random random) throws IOException {
        Shape[] shapes = new Shape[COLUMNS.length];
        for (int i = 0; i < shapes.length; i++) {
            int roll = random.nextInt(100);
            shapes[i] = roll < 70 ? Shape.CONTRACT : Shape.values()[1 + random.nextInt(Shape.values().length - 1)];
        }
        return write(scratch, shapes, random.nextInt(3), random.nextInt(6), 0.3, random);
    }

    private byte[] write(Path scratch, Shape[] shapes, int extras, int rows, double oddValues, Random random)
            throws IOException {
        List<Type> fields = new ArrayList<>();
        for (int i = 0; i < COLUMNS.length; i++) {
            Type t = column(i, shapes[i], random);
            if (t != null) {
                fields.add(t);
            }
        }
        for (int e = 0; e < extras; e++) {
            fields.add(random.nextInt(fields.size() + 1), extraColumn(EXTRA_NAMES[random.nextInt(EXTRA_NAMES.length)] + e,
                    random));
        }
        if (fields.isEmpty()) {
            fields.add(extraColumn("only", random));
        }
        MessageType schema = new MessageType("spark_schema", fields);
        Path file = Files.createTempFile(scratch, "shard", ".parquet");
        Files.delete(file);
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
                .withConf(conf).withType(schema).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            for (int r = 0; r < rows; r++) {
                Group g = groups.newGroup();
                fill(g, schema, r, oddValues, random);
                writer.write(g);
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
        return bytes;
    }

    private static Type column(int i, Shape shape, Random random) {
        String name = COLUMNS[i];
        switch (shape) {
            case MISSING:
                return null;
            case RETYPED:
                return primitiveOfRandomType(Type.Repetition.REQUIRED, name, random);
            case GROUP:
                return Types.requiredGroup().required(PrimitiveTypeName.INT32).named("value").named(name);
            default:
                Type.Repetition repetition = shape == Shape.NULLABLE ? Type.Repetition.OPTIONAL
                        : shape == Shape.REPEATED ? Type.Repetition.REPEATED : Type.Repetition.REQUIRED;
                if (i == 0) {
                    return Types.primitive(PrimitiveTypeName.BINARY, repetition)
                            .as(LogicalTypeAnnotation.stringType()).named(name);
                }
                return Types.primitive(i == 6 ? PrimitiveTypeName.BINARY : PrimitiveTypeName.INT32, repetition).named(name);
        }
    }

    private static Type primitiveOfRandomType(Type.Repetition repetition, String name, Random random) {
        switch (random.nextInt(8)) {
            case 0: return Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
            case 1: return Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
            case 2: return Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case 3: return Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case 4: return Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case 5: return Types.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType())
                    .named(name);
            case 6: return Types.primitive(PrimitiveTypeName.INT32, repetition).as(LogicalTypeAnnotation.intType(8, true))
                    .named(name);
            default: return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(4).named(name);
        }
    }

    /** Extra columns: plain, repeated, or nested groups with repeated members (lists of structs). */
    private static Type extraColumn(String name, Random random) {
        switch (random.nextInt(3)) {
            case 0: return primitiveOfRandomType(Type.Repetition.OPTIONAL, name, random);
            case 1: return primitiveOfRandomType(Type.Repetition.REPEATED, name, random);
            default: return Types.optionalGroup()
                    .repeatedGroup().required(PrimitiveTypeName.INT32).named("x")
                    .optional(PrimitiveTypeName.BINARY).named("y").named("item")
                    .named(name);
        }
    }

    private void fill(Group g, GroupType type, int row, double oddValues, Random random) {
        for (int f = 0; f < type.getFieldCount(); f++) {
            Type field = type.getType(f);
            int copies = field.isRepetition(Type.Repetition.REQUIRED) ? 1
                    : field.isRepetition(Type.Repetition.OPTIONAL) ? random.nextInt(4) == 0 ? 0 : 1
                    : random.nextInt(3);
            for (int c = 0; c < copies; c++) {
                if (!field.isPrimitive()) {
                    fill(g.addGroup(f), field.asGroupType(), row, oddValues, random);
                } else {
                    addValue(g, f, field, row, random.nextDouble() < oddValues, random);
                }
            }
        }
    }

    private void addValue(Group g, int f, Type field, int row, boolean odd, Random random) {
        int contractIndex = java.util.Arrays.asList(COLUMNS).indexOf(field.getName());
        switch (field.asPrimitiveType().getPrimitiveTypeName()) {
            case INT32 -> g.add(f, odd || contractIndex < 1 || contractIndex > 5
                    ? INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)] : layoutValues[contractIndex]);
            case INT64 -> g.add(f, (long) INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)]);
            case FLOAT -> g.add(f, random.nextFloat());
            case DOUBLE -> g.add(f, random.nextDouble());
            case BOOLEAN -> g.add(f, random.nextBoolean());
            case FIXED_LEN_BYTE_ARRAY -> g.add(f, Binary.fromConstantByteArray(Mutator.randomBytes(4, random)));
            default -> {
                if (field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
                    g.add(f, odd ? new String(Mutator.randomBytes(6, random), java.nio.charset.StandardCharsets.ISO_8859_1)
                            : "train/" + row);
                } else {
                    int length = odd ? random.nextInt(3 * pixelBytes + 1) : pixelBytes;
                    g.add(f, Binary.fromConstantByteArray(Mutator.randomBytes(length, random)));
                }
            }
        }
    }
}
