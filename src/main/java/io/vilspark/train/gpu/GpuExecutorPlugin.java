package io.vilspark.train.gpu;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * The GPU check as a Spark plugin: {@code --conf spark.plugins=io.vilspark.train.gpu.GpuExecutorPlugin}
 * (conf/cluster/*-gpu.conf set it). Each executor checks its GPUs when it starts, before any task can
 * load ND4J, and binds every task's thread to the task's GPU; a refusal reaches the driver, which logs
 * it and stops the application rather than letting executors crash in native code one after another.
 */
public final class GpuExecutorPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return new GpuRefusalReporter();
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new GpuCheckOnExecutor(ExecutorSetup.thisJvm());
    }
}
