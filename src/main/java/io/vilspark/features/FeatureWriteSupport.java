package io.vilspark.features;

import java.util.HashMap;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes {@link FeatureRow}s straight to Parquet's record consumer (no intermediate objects per array
 * element). The partition's statistics go into the file footer when the file is closed, so a complete
 * file carries its own record of what it holds.
 */
final class FeatureWriteSupport extends WriteSupport<FeatureRow> {
    /** Footer key of the partition's statistics (JSON). */
    static final String STATS_KEY = "vil.extract.partition";

    private final FeatureColumns columns;
    private final MessageType schema;
    private RecordConsumer out;
    private String stats;

    FeatureWriteSupport(FeatureColumns columns) {
        this.columns = columns;
        this.schema = columns.schema();
    }

    /** The statistics to store in the footer; set before the writer is closed. */
    void setStats(String json) {
        this.stats = json;
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(FeatureRow row) {
        out.startMessage();
        int field = 0;
        out.startField(FeatureColumns.KEY, field);
        out.addBinary(Binary.fromString(row.key()));
        out.endField(FeatureColumns.KEY, field++);
        if (row.label() != null) {
            out.startField(FeatureColumns.LABEL, field);
            out.addInteger(row.label());
            out.endField(FeatureColumns.LABEL, field);
        }
        field++;
        floats(FeatureColumns.FEATURES, field++, row.features());
        if (columns.logits()) {
            floats(FeatureColumns.LOGITS, field++, row.logits());
        }
        if (columns.topK() > 0) {
            list(FeatureColumns.TOP_CLASSES, field++, row.topClasses().length, i -> out.addInteger(row.topClasses()[i]));
            floats(FeatureColumns.TOP_PROBS, field++, row.topProbs());
            if (columns.names()) {
                list(FeatureColumns.TOP_NAMES, field++, row.topNames().length,
                        i -> out.addBinary(Binary.fromString(row.topNames()[i])));
            }
        }
        out.endMessage();
    }

    private void floats(String name, int index, float[] values) {
        list(name, index, values.length, i -> out.addFloat(values[i]));
    }

    /** A three-level list: {@code name { repeated list { element } }}; an empty list writes no "list" field. */
    private void list(String name, int index, int size, java.util.function.IntConsumer element) {
        out.startField(name, index);
        out.startGroup();
        if (size > 0) {
            out.startField("list", 0);
            for (int i = 0; i < size; i++) {
                out.startGroup();
                out.startField("element", 0);
                element.accept(i);
                out.endField("element", 0);
                out.endGroup();
            }
            out.endField("list", 0);
        }
        out.endGroup();
        out.endField(name, index);
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        Map<String, String> extra = new HashMap<>();
        if (stats != null) {
            extra.put(STATS_KEY, stats);
        }
        return new FinalizedWriteContext(extra);
    }
}
