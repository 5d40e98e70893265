package io.vilspark.ml;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.Function1;
import scala.Tuple3;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.BoxedUnit;

/**
 * Adds {@code vil_features} and {@code vil_predict} to every session built with
 * {@code spark.sql.extensions=io.vilspark.ml.VilSparkExtensions} ({@code spark-sql}, {@code spark-submit},
 * PySpark's builder), so SQL users need no registration call.
 */
public final class VilSparkExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (VilFunctions.Function f : VilFunctions.all()) {
            UserDefinedFunction udf = f.asUdf();
            // the children are a scala.collection.Seq on Scala 2.12 and an immutable one on 2.13: typed loosely
            // so that the one source builds for both Spark releases
            Function1<Object, Expression> builder = children -> {
                List<Column> columns = new ArrayList<>();
                for (Expression e : JavaConverters.seqAsJavaList((Seq<Expression>) children)) {
                    columns.add(ColumnExpressions.column(e));
                }
                return ColumnExpressions.expression(udf.apply(JavaConverters.asScalaBuffer(columns).toSeq()));
            };
            extensions.injectFunction(new Tuple3(FunctionIdentifier.apply(f.name()),
                    new ExpressionInfo(f.udf().getClass().getName(), f.name()), builder));
        }
        return BoxedUnit.UNIT;
    }
}
