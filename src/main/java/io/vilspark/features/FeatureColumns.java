package io.vilspark.features;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The columns of an extract output file. Arrays are Parquet's standard three-level lists, which Spark
 * reads as {@code array<float>} / {@code array<int>} / {@code array<string>}.
 *
 * <pre>
 * key       string            the input's key (shard row key, or path relative to the image root)
 * label     int (nullable)    class index when known
 * features  array&lt;float&gt;      the vector that feeds the head (vil predict --features)
 * logits    array&lt;float&gt;      with --logits
 * top_classes array&lt;int&gt;, top_probs array&lt;float&gt;, top_names array&lt;string&gt;   with --top-k (names when the model has them)
 * </pre>
 */
public record FeatureColumns(boolean logits, int topK, boolean names) implements Serializable {
    public static final String KEY = "key";
    public static final String LABEL = "label";
    public static final String FEATURES = "features";
    public static final String LOGITS = "logits";
    public static final String TOP_CLASSES = "top_classes";
    public static final String TOP_PROBS = "top_probs";
    public static final String TOP_NAMES = "top_names";

    MessageType schema() {
        Types.MessageTypeBuilder m = Types.buildMessage();
        m.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(KEY);
        m.optional(PrimitiveTypeName.INT32).named(LABEL);
        m.requiredList().requiredElement(PrimitiveTypeName.FLOAT).named(FEATURES);
        if (logits) {
            m.requiredList().requiredElement(PrimitiveTypeName.FLOAT).named(LOGITS);
        }
        if (topK > 0) {
            m.requiredList().requiredElement(PrimitiveTypeName.INT32).named(TOP_CLASSES);
            m.requiredList().requiredElement(PrimitiveTypeName.FLOAT).named(TOP_PROBS);
            if (names) {
                m.requiredList().requiredElement(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
                        .named(TOP_NAMES);
            }
        }
        return m.named("vil_features");
    }

    /** The column names in file order. */
    public List<String> columnNames() {
        List<String> out = new ArrayList<>(List.of(KEY, LABEL, FEATURES));
        if (logits) {
            out.add(LOGITS);
        }
        if (topK > 0) {
            out.add(TOP_CLASSES);
            out.add(TOP_PROBS);
            if (names) {
                out.add(TOP_NAMES);
            }
        }
        return out;
    }
}
