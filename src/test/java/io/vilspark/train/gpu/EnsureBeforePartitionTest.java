package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

@IntegrationTest
class EnsureBeforePartitionTest {
    @Test
    void onACpuExecutorTheElementsPassUnchanged() {
        SparkSession spark = LocalSpark.session();
        JavaRDD<Integer> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3, 4), 2);
        JavaRDD<Integer> checked = EnsureBeforePartition.on(rdd);
        assertEquals(List.of(1, 2, 3, 4), checked.collect());
        assertEquals(2, checked.getNumPartitions());
    }
}
