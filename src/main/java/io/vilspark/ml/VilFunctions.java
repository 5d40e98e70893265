package io.vilspark.ml;

import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The SQL functions {@code vil_features(model, content)} and {@code vil_predict(model, content)}
 * (see {@link VilFeaturesUdf}, {@link VilPredictUdf}), registered in a session by one call:
 *
 * <pre>{@code
 * VilFunctions.register(spark);
 * spark.sql("SELECT path, vil_predict('hdfs:///models/m.zip', content) FROM binaryFile.`/data`");
 * }</pre>
 *
 * or for every session of an application with {@code --conf spark.sql.extensions=io.vilspark.ml.VilSparkExtensions}.
 */
public final class VilFunctions {
    public static final String FEATURES = "vil_features";
    public static final String PREDICT = "vil_predict";

    /** One SQL function: its name, implementation and result type. */
    record Function(String name, UDF2<String, byte[], ?> udf, DataType returnType) {
        UserDefinedFunction asUdf() {
            return functions.udf(udf, returnType).withName(name);
        }
    }

    private VilFunctions() {
    }

    /** Both functions. */
    static List<Function> all() {
        return List.of(new Function(FEATURES, new VilFeaturesUdf(), DataTypes.createArrayType(DataTypes.FloatType, false)),
                new Function(PREDICT, new VilPredictUdf(), VilPredictUdf.RETURN_TYPE));
    }

    /** Registers both functions in {@code spark} (session-scoped, as temporary functions are). */
    public static void register(SparkSession spark) {
        for (Function f : all()) {
            spark.udf().register(f.name(), f.asUdf());
        }
    }
}
