package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.codahale.metrics.MetricRegistry;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** The plugin's executor half: it checks the executor's GPUs at start-up and reports a refusal to the driver. */
class GpuCheckOnExecutorTest {
    /** What Spark hands a plugin on an executor with GPU 0. */
    static final class FakeContext implements PluginContext {
        final List<Object> asked = new ArrayList<>();
        boolean brokenHostname;

        @Override
        public MetricRegistry metricRegistry() {
            return new MetricRegistry();
        }

        @Override
        public SparkConf conf() {
            return new SparkConf(false).set("spark.vil.gpu.nvidiaSmi", "/opt/nvidia/nvidia-smi");
        }

        @Override
        public String executorID() {
            return "7";
        }

        @Override
        public String hostname() {
            if (brokenHostname) {
                // as Spark 3.5 on a real executor: its RPC environment has no address
                throw new NullPointerException("Cannot invoke \"org.apache.spark.rpc.RpcAddress.hostPort()\"");
            }
            return "gpu-node-3";
        }

        @Override
        public Map<String, ResourceInformation> resources() {
            return Map.of("gpu", new ResourceInformation("gpu", new String[] {"0"}));
        }

        @Override
        public void send(Object message) {
            asked.add(message);
        }

        @Override
        public Object ask(Object message) {
            asked.add(message);
            return Boolean.TRUE;
        }
    }

    @Test
    void anUnsupportedGpuStopsTheExecutorAndTellsTheDriver() {
        List<String> programs = new ArrayList<>();
        ExecutorSetup setup = new ExecutorSetup(new Nd4jBackends(true, false), Map.of(), settings -> () -> {
            programs.add(settings.nvidiaSmi());
            return NvidiaSmiReport.ran("0, NVIDIA H100 80GB HBM3, 9.0\n");
        }, new ExecutorSetupTest.FakeBinding(), (k, v) -> { });
        FakeContext ctx = new FakeContext();
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class,
                () -> new GpuCheckOnExecutor(setup).init(ctx, Map.of()));
        assertEquals(List.of("/opt/nvidia/nvidia-smi"), programs, "the configured nvidia-smi");
        assertEquals(List.of(new GpuRefusal("7", "gpu-node-3", e.getMessage())), ctx.asked);
        assertEquals("executor 7 on gpu-node-3: " + e.getMessage(), ctx.asked.get(0).toString());
    }

    @Test
    void theRefusalReachesTheDriverEvenWhereSparkCannotNameTheHost() {
        ExecutorSetup setup = new ExecutorSetup(new Nd4jBackends(true, false), Map.of(),
                settings -> () -> NvidiaSmiReport.ran("0, NVIDIA H100 80GB HBM3, 9.0\n"),
                new ExecutorSetupTest.FakeBinding(), (k, v) -> { });
        FakeContext ctx = new FakeContext();
        ctx.brokenHostname = true;
        assertThrows(UnsupportedGpuException.class, () -> new GpuCheckOnExecutor(setup).init(ctx, Map.of()));
        assertEquals(1, ctx.asked.size());
        assertEquals("7", ((GpuRefusal) ctx.asked.get(0)).executorId());
    }

    @Test
    void aSupportedGpuIsSetUpAtStartUp() {
        ExecutorSetupTest.FakeBinding binding = new ExecutorSetupTest.FakeBinding();
        ExecutorSetup setup = new ExecutorSetup(new Nd4jBackends(true, false), Map.of(),
                settings -> () -> NvidiaSmiReport.ran("0, NVIDIA GeForce RTX 3090, 8.6\n"), binding, (k, v) -> { });
        FakeContext ctx = new FakeContext();
        new GpuCheckOnExecutor(setup).init(ctx, Map.of());
        assertEquals(List.of(0), binding.configured);
        assertEquals(List.of(), ctx.asked);
    }
}
