package io.vilspark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.vilspark.inference.ModelOutputs;
import io.vilspark.inference.TopClasses;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * The columns the stage adds, in this order, each only when its name is set (not empty):
 * features and logits as MLlib vectors, the predicted class index as a double (MLlib's
 * convention), the top-k classes as {@code array<struct<index:int, name:string, probability:float>>}
 * and the reason an input gave no outputs (null when it did).
 */
record OutputColumns(String features, String logits, String prediction, String topK, int k, String reason)
        implements Serializable {
    /** One class of a top-k list. */
    static final StructType CLASS = new StructType(new StructField[] {
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField("name", DataTypes.StringType, true),
            DataTypes.createStructField("probability", DataTypes.FloatType, false)});

    /** {@code input} with the added columns; a name already taken is refused. */
    StructType append(StructType input) {
        StructType out = input;
        for (StructField f : fields()) {
            if (Arrays.asList(out.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException("output column '" + f.name() + "' already exists");
            }
            out = out.add(f);
        }
        return out;
    }

    private List<StructField> fields() {
        List<StructField> out = new ArrayList<>();
        add(out, features, SQLDataTypes.VectorType());
        add(out, logits, SQLDataTypes.VectorType());
        add(out, prediction, DataTypes.DoubleType);
        add(out, topK, DataTypes.createArrayType(CLASS, false));
        add(out, reason, DataTypes.StringType);
        return out;
    }

    private static void add(List<StructField> out, String name, DataType type) {
        if (!name.isEmpty()) {
            out.add(DataTypes.createStructField(name, type, true));
        }
    }

    /** {@code input} followed by input {@code i}'s outputs (nulls and the reason when it has none). */
    Row row(Row input, ImageBatchScorer.Scores scores, int i, ScoringPlan plan) {
        List<Object> values = new ArrayList<>(input.size() + 5);
        for (int c = 0; c < input.size(); c++) {
            values.add(input.get(c));
        }
        ModelOutputs o = scores.outputsOf()[i];
        int r = scores.rowOf()[i];
        boolean ok = scores.ok(i);
        if (!features.isEmpty()) {
            values.add(ok ? vector(o.featuresOf(r)) : null);
        }
        if (!logits.isEmpty()) {
            values.add(ok ? vector(o.logitsOf(r)) : null);
        }
        if (!prediction.isEmpty()) {
            values.add(ok ? (double) top(o, r, 1).classes[0] : null);
        }
        if (!topK.isEmpty()) {
            // a Row's array values are Scala sequences
            values.add(ok ? JavaConverters.asScalaBuffer(classes(top(o, r, k), plan)).toSeq() : null);
        }
        if (!reason.isEmpty()) {
            values.add(scores.reasons()[i]);
        }
        return RowFactory.create(values.toArray());
    }

    static TopClasses top(ModelOutputs o, int row, int k) {
        return TopClasses.of(o.logits(), row * o.classes(), o.classes(), k);
    }

    /** The top classes as rows of {@link #CLASS}. */
    static List<Row> classes(TopClasses top, ScoringPlan plan) {
        List<Row> out = new ArrayList<>(top.classes.length);
        for (int t = 0; t < top.classes.length; t++) {
            out.add(RowFactory.create(top.classes[t], plan.className(top.classes[t]), top.probabilities[t]));
        }
        return out;
    }

    static org.apache.spark.ml.linalg.Vector vector(float[] values) {
        double[] d = new double[values.length];
        for (int j = 0; j < values.length; j++) {
            d[j] = values[j];
        }
        return Vectors.dense(d);
    }
}
