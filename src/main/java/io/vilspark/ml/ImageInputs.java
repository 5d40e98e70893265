package io.vilspark.ml;

import java.io.Serializable;

import io.vilspark.data.PatchShardSchema;
import io.vilspark.data.prepare.ImageFileEncoder;
import io.vilspark.image.SkipReason;
import io.vilspark.data.read.ShardRecord;
import org.apache.spark.sql.Row;

/**
 * One input value to the stored form the model's reader takes (a shard record), or the reason it
 * cannot be used. File bytes go through {@code vil prepare}'s decoder, resize and crop
 * ({@link ImageFileEncoder}); the image data source's pixels through the same resize and crop; a
 * patch row is taken as stored. Never throws for a bad value: a reason is a result.
 */
final class ImageInputs implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Reason of a null input value. */
    static final String NULL_INPUT = "null_input";
    /** Reason of a patch row whose geometry or pixel count does not hold together, or does not fit the model. */
    static final String BAD_PATCH_ROW = "bad_patch_row";

    /** A usable input (reason null) or why not (record null). */
    record Decoded(ShardRecord record, String reason) {
    }

    private final InputKind kind;
    private final ScoringPlan plan;
    private transient ImageFileEncoder encoder;

    ImageInputs(InputKind kind, ScoringPlan plan) {
        this.kind = kind;
        this.plan = plan;
    }

    /**
     * @param row    the whole row (patch columns are read beside {@code pixels})
     * @param column the input column's index in {@code row}
     * @param key    what the reader calls the record (its place in the minibatch)
     */
    Decoded decode(Row row, int column, String key) {
        if (row.isNullAt(column)) {
            return new Decoded(null, NULL_INPUT);
        }
        return switch (kind) {
            case FILE_BYTES -> encoded(key, encoder().encode((byte[]) row.get(column)));
            case IMAGE_STRUCT -> image(key, row.getStruct(column));
            case PATCH_STRUCT -> patches(key, row.getStruct(column), row.getStruct(column).fieldIndex(PatchShardSchema.PIXELS));
            case PATCH_COLUMNS -> patches(key, row, column);
        };
    }

    /** File bytes (e.g. a {@code binaryFile} row's content). */
    Decoded decode(byte[] file, String key) {
        return file == null ? new Decoded(null, NULL_INPUT) : encoded(key, encoder().encode(file));
    }

    private ImageFileEncoder encoder() {
        if (encoder == null) {
            encoder = plan.encoder();
        }
        return encoder;
    }

    private Decoded encoded(String key, ImageFileEncoder.Result r) {
        if (!r.ok()) {
            return new Decoded(null, r.skipped().key());
        }
        ImageFileEncoder e = encoder();
        return new Decoded(new ShardRecord(key, PatchShardSchema.UNLABELLED, e.layout().gridH(), e.layout().gridW(),
                e.layout().patch(), e.layout().channels(), r.patches(), null), null);
    }

    /** The image data source's struct: HWC bytes in OpenCV order (grey, BGR or BGRA); invalid images have no data. */
    private Decoded image(String key, Row image) {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        if (h <= 0 || w <= 0 || data == null || (n != 1 && n != 3 && n != 4) || data.length != (long) h * w * n) {
            return new Decoded(null, SkipReason.NOT_AN_IMAGE.key());
        }
        int colours = n == 1 ? 1 : 3;
        int plane = h * w;
        byte[] chw = new byte[colours * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < colours; c++) {
                // RGB from BGR(A): channel c is byte (2 - c) of the pixel; grey is byte 0
                chw[c * plane + i] = data[i * n + (colours == 1 ? 0 : 2 - c)];
            }
        }
        return encoded(key, encoder().encode(colours, h, w, chw));
    }

    private Decoded patches(String key, Row row, int pixelsAt) {
        Integer gh = intField(row, PatchShardSchema.GRID_H);
        Integer gw = intField(row, PatchShardSchema.GRID_W);
        Integer p = intField(row, PatchShardSchema.PATCH);
        Integer c = intField(row, PatchShardSchema.CHANNELS);
        byte[] pixels = (byte[]) row.get(pixelsAt);
        if (gh == null || gw == null || p == null || c == null || gh < 1 || gw < 1 || p < 1
                || c != plan.channels() || pixels.length != (long) gh * gw * p * p * c) {
            return new Decoded(null, BAD_PATCH_ROW);
        }
        return new Decoded(new ShardRecord(key, PatchShardSchema.UNLABELLED, gh, gw, p, c, pixels, null), null);
    }

    private static Integer intField(Row row, String name) {
        int at = row.fieldIndex(name);
        return row.isNullAt(at) ? null : row.getInt(at);
    }
}
