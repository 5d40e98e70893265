package io.vilspark.testing;

import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session of a test JVM: real local mode with two task slots (two workers), on loopback. It is
 * never stopped: every Spark test class reuses it, and the commands under test find it through
 * {@code getOrCreate}, so the suite starts Spark once.
 */
public final class LocalSpark {
    private LocalSpark() {
    }

    public static synchronized SparkSession session() {
        return SparkSession.builder().master("local[2]").appName("vil tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }
}
