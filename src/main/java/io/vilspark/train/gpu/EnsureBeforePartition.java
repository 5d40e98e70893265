package io.vilspark.train.gpu;

import java.util.Iterator;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Runs {@link ExecutorSetup#ensure()} at the start of every partition of an RDD, before its elements are
 * computed: upstream iterators are lazy, so the check and binding come before the reader makes its first
 * ND4J array. For a driver that wants the refusal as the task's failure without touching its reader:
 * {@code train = EnsureBeforePartition.on(train);}
 */
public final class EnsureBeforePartition<T> implements FlatMapFunction<Iterator<T>, T> {
    private static final long serialVersionUID = 1L;

    public static <T> JavaRDD<T> on(JavaRDD<T> rdd) {
        return rdd.mapPartitions(new EnsureBeforePartition<>(), true);
    }

    @Override
    public Iterator<T> call(Iterator<T> elements) {
        ExecutorSetup.ensure();
        return elements;
    }
}
