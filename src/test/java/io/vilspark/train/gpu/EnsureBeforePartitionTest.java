package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class EnsureBeforePartitionTest {
    @Test
    void onACpuExecutorTheElementsPassUnchanged() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("vil gpu tests")
                .config("spark.ui.enabled", "false").getOrCreate();
        JavaRDD<Integer> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3, 4), 2);
        JavaRDD<Integer> checked = EnsureBeforePartition.on(rdd);
        assertEquals(List.of(1, 2, 3, 4), checked.collect());
        assertEquals(2, checked.getNumPartitions());
    }
}
