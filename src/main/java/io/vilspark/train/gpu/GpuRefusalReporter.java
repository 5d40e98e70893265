package io.vilspark.train.gpu;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver half of {@link GpuExecutorPlugin}: an executor that refuses its GPU says why, and the
 * driver stops the application once with that message, instead of the cluster manager starting new
 * executors on the same GPUs until it gives up.
 */
final class GpuRefusalReporter implements DriverPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(GpuRefusalReporter.class);

    private final AtomicBoolean stopping = new AtomicBoolean();
    private SparkContext sc;

    @Override
    public Map<String, String> init(SparkContext sc, PluginContext pluginContext) {
        this.sc = sc;
        return Map.of();
    }

    @Override
    public Object receive(Object message) {
        if (message instanceof GpuRefusal refusal) {
            LOG.error("GPU check failed on {}; stopping the application", refusal);
            if (stopping.compareAndSet(false, true) && sc != null) {
                // the running jobs fail with the message (Spark: "Job N cancelled <reason>"), so the driver's error names it
                for (int job : sc.statusTracker().getActiveJobIds()) {
                    sc.cancelJob(job, "because the GPU check failed on " + refusal);
                }
                // not from this RPC thread: stopping waits for the RPC system this thread belongs to
                Thread stopper = new Thread(sc::stop, "vil-gpu-refusal");
                stopper.setDaemon(true);
                stopper.start();
            }
        }
        return Boolean.TRUE;
    }
}
