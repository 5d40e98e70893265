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
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (VilFunctions.Function f : VilFunctions.all()) {
            UserDefinedFunction udf = f.asUdf();
            Function1<Seq<Expression>, Expression> builder = children -> {
                List<Column> columns = new ArrayList<>();
                for (Expression e : JavaConverters.seqAsJavaList(children)) {
                    columns.add(new Column(e));
                }
                return udf.apply(JavaConverters.asScalaBuffer(columns).toSeq()).expr();
            };
            extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(f.name()),
                    new ExpressionInfo(f.udf().getClass().getName(), f.name()), builder));
        }
        return BoxedUnit.UNIT;
    }
}
