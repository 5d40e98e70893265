package io.vilspark.inference;

import java.io.Serializable;

import io.vilspark.fs.HadoopConfBox;
import org.apache.hadoop.conf.Configuration;

/**
 * What a task needs to find its model: the model file (any Hadoop path) and the driver's Hadoop
 * configuration. Small, so it travels in every task; the model itself never does.
 */
public record ModelRef(String path, HadoopConfBox hadoop) implements Serializable {

    public static ModelRef of(String path, Configuration hadoop) {
        return new ModelRef(path, new HadoopConfBox(hadoop));
    }

    public Configuration conf() {
        return hadoop.get();
    }
}
