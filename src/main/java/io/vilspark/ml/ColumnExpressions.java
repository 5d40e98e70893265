package io.vilspark.ml;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Converts between a DataFrame {@link Column} and the Catalyst {@link Expression} behind it, on Spark 4 and on
 * Spark 3.5 alike: a SQL function injected through {@code SparkSessionExtensions} builds expressions, while UDFs
 * are applied to columns. Spark 3.5 wraps the expression in the column ({@code new Column(expr)}, {@code expr()});
 * Spark 4's classic API wraps expressions with {@code ExpressionUtils.column} and converts a column's node
 * with {@code ColumnNodeToExpressionConverter}. The build
 * compiles against one release, so the other's methods are looked up at run time, once.
 */
final class ColumnExpressions {
    private static final MethodHandle TO_COLUMN;
    private static final MethodHandle TO_EXPRESSION;

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            MethodHandle toColumn;
            MethodHandle toExpression;
            try {
                Class<?> utils = Class.forName("org.apache.spark.sql.classic.ExpressionUtils");
                toColumn = lookup.findStatic(utils, "column", MethodType.methodType(Column.class, Expression.class));
                // the column's node converted as the analyzer does (ExpressionUtils.expression would wrap the node
                // in an expression that only the DataFrame API's analysis unwraps, not an injected function's)
                Class<?> node = Class.forName("org.apache.spark.sql.internal.ColumnNode");
                Class<?> converter = Class.forName("org.apache.spark.sql.classic.ColumnNodeToExpressionConverter$");
                Object module = converter.getField("MODULE$").get(null);
                MethodHandle convert = lookup.findVirtual(converter, "apply", MethodType.methodType(Expression.class, node))
                        .bindTo(module);
                toExpression = MethodHandles.filterArguments(convert, 0,
                        lookup.findVirtual(Column.class, "node", MethodType.methodType(node)));
            } catch (ClassNotFoundException spark35) {
                toColumn = lookup.findConstructor(Column.class, MethodType.methodType(void.class, Expression.class));
                toExpression = lookup.findVirtual(Column.class, "expr", MethodType.methodType(Expression.class));
            }
            TO_COLUMN = toColumn;
            TO_EXPRESSION = toExpression;
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("this Spark release converts columns and expressions in an "
                    + "unknown way: " + e);
        }
    }

    private ColumnExpressions() {
    }

    static Column column(Expression expression) {
        try {
            return (Column) TO_COLUMN.invoke(expression);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Expression expression(Column column) {
        try {
            return (Expression) TO_EXPRESSION.invoke(column);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
