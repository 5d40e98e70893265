package io.vilspark.cli;

import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration the CLI reads and writes paths with: the defaults plus whatever
 * {@code core-site.xml}/{@code hdfs-site.xml} the classpath (HADOOP_CONF_DIR) provides.
 */
final class HadoopConf {
    private HadoopConf() {
    }

    static Configuration create() {
        return new Configuration();
    }
}
