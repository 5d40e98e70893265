package io.vilspark.fs;

import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration the CLI reads and writes paths with: the defaults plus whatever
 * {@code core-site.xml}/{@code hdfs-site.xml} the classpath (HADOOP_CONF_DIR) provides.
 */
public final class HadoopConf {
    private HadoopConf() {
    }

    /** A fresh configuration: Hadoop's defaults plus the site files on the classpath. */
    public static Configuration create() {
        return new Configuration();
    }
}
