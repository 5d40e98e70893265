package io.vilspark.testing;

import java.util.List;
import java.util.stream.IntStream;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The smallest real Spark application: counts 1000 numbers on the cluster's executors and prints the count. */
public final class SparkCountProbe {
    private SparkCountProbe() {
    }

    public static void main(String[] args) {
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf())) {
            List<Integer> numbers = IntStream.range(0, 1000).boxed().toList();
            System.out.println("count: " + sc.parallelize(numbers, 2).count());
        }
    }
}
