package io.vilspark.data;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a job: the cluster's when launched by {@code spark-submit} (which sets
 * {@code spark.master}), otherwise the embedded {@code local[*]} mode, so every job runs on a laptop
 * without a Spark installation.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession getOrCreate(String appName) {
        SparkConf conf = new SparkConf(true).setAppName(appName);
        if (!conf.contains("spark.master")) {
            conf.setMaster(System.getProperty("vil.spark.master", "local[*]"));
            // the embedded mode is for one machine: no web UI port to collide with other jobs
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.sql.shuffle.partitions", "8");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
