package io.vilspark.train.gpu;

import java.util.List;
import java.util.Map;

import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The executor half of {@link GpuExecutorPlugin}. */
final class GpuCheckOnExecutor implements ExecutorPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(GpuCheckOnExecutor.class);

    private final ExecutorSetup setup;
    private GpuSettings settings = GpuSettings.DEFAULTS;

    GpuCheckOnExecutor(ExecutorSetup setup) {
        this.setup = setup;
    }

    /** Runs as the executor starts: the whole executor's GPUs, before ND4J can load. */
    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
        settings = GpuSettings.of(ctx.conf());
        ResourceInformation gpus = ctx.resources().get(SparkAssignedGpus.RESOURCE);
        List<Integer> indices = gpus == null ? List.of() : SparkAssignedGpus.parse(gpus.addresses());
        ExecutorSetup.Outcome outcome = setup.prepare(indices, settings);
        if (outcome.kind() == GpuDecision.Kind.REFUSE) {
            GpuRefusal refusal = new GpuRefusal(ctx.executorID(), hostname(ctx), outcome.message());
            try {
                ctx.ask(refusal);
            } catch (Exception e) {
                LOG.warn("could not tell the driver: {}", e.toString());
            }
            // the executor stops here, before ND4J can start on a GPU it cannot run
            throw new UnsupportedGpuException(outcome.message());
        }
    }

    /** Spark 3.5's PluginContext.hostname() fails on executors (their RPC environment has no address). */
    private static String hostname(PluginContext ctx) {
        try {
            return ctx.hostname();
        } catch (RuntimeException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException unknown) {
                return "unknown host";
            }
        }
    }

    /** In the task's own thread: CUDA's current device is per thread, and Spark pools task threads. */
    @Override
    public void onTaskStart() {
        try {
            setup.forTask(SparkAssignedGpus.ofCurrentTask(), settings);
        } catch (RuntimeException e) {
            // Spark ignores exceptions here; ExecutorSetup.ensure() in the task reports it as the task's failure
            LOG.error("GPU check for this task: {}", e.getMessage());
        }
    }
}
