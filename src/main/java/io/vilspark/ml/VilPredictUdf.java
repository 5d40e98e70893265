package io.vilspark.ml;

import io.vilspark.inference.TopClasses;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.StructType;

/**
 * SQL {@code vil_predict(model, content)}: the most probable class of one image file's bytes as
 * {@code struct<index:int, name:string, probability:float>} (name null when the model file has no
 * class names); null for a file that is not a usable image. Register it with {@link #RETURN_TYPE}.
 */
public final class VilPredictUdf implements UDF2<String, byte[], Row> {
    private static final long serialVersionUID = 1L;
    /** The result's type; as DDL: {@code struct<index:int,name:string,probability:float>}. */
    public static final StructType RETURN_TYPE = OutputColumns.CLASS;

    @Override
    public Row call(String model, byte[] content) {
        SqlScorer scorer = SqlScorer.of(model);
        ImageBatchScorer.Scores s = scorer.score(content);
        if (!s.ok(0)) {
            return null;
        }
        TopClasses top = OutputColumns.top(s.outputsOf()[0], s.rowOf()[0], 1);
        return OutputColumns.classes(top, scorer.plan()).get(0);
    }
}
