package io.vilspark.ml;

import org.apache.spark.sql.api.java.UDF2;

/**
 * SQL {@code vil_features(model, content)}: the features (the head's input) of one image file's bytes
 * ({@code binaryFile}'s {@code content}) as {@code array<float>}; null for a file that is not a usable
 * image. A Java UDF class, so PySpark can register it with {@code spark.udf.registerJavaFunction}.
 */
public final class VilFeaturesUdf implements UDF2<String, byte[], float[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public float[] call(String model, byte[] content) {
        SqlScorer scorer = SqlScorer.of(model);
        ImageBatchScorer.Scores s = scorer.score(content);
        return s.ok(0) ? s.outputsOf()[0].featuresOf(s.rowOf()[0]) : null;
    }
}
