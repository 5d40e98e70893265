package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.vilspark.train.gpu.GpuDecision.Kind;
import org.junit.jupiter.api.Test;

/** The executor's GPU decision and binding, with nvidia-smi, ND4J's backends and the CUDA binding replaced. */
class ExecutorSetupTest {
    private static final String TWO_A100 = "0, NVIDIA A100-SXM4-40GB, 8.0\n1, NVIDIA A100-SXM4-40GB, 8.0\n";
    private static final String H100 = "0, NVIDIA H100 80GB HBM3, 9.0\n";
    private static final String A100_AND_H100 = "0, NVIDIA A100 80GB PCIe, 8.0\n1, NVIDIA H100 PCIe, 9.0\n";
    private static final Map<String, String> PCI = Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
    private static final GpuSettings STRICT = GpuSettings.DEFAULTS;
    private static final GpuSettings FALLBACK = new GpuSettings(true, "nvidia-smi");
    private static final Nd4jBackends CPU_JAR = new Nd4jBackends(false, true);
    private static final Nd4jBackends CUDA_JAR = new Nd4jBackends(true, false);
    private static final Nd4jBackends BOTH = new Nd4jBackends(true, true);

    /** Records what would have been done to ND4J. */
    static final class FakeBinding implements DeviceBinding {
        final List<Integer> configured = new ArrayList<>();
        final List<String> bound = new ArrayList<>();
        Throwable failure;

        @Override
        public void configureSingleDevice(int ordinal) {
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error err) {
                throw err;
            }
            configured.add(ordinal);
        }

        @Override
        public void bindCurrentThread(int ordinal) {
            bound.add(Thread.currentThread().getName() + "->" + ordinal);
        }
    }

    final FakeBinding binding = new FakeBinding();
    final AtomicInteger queries = new AtomicInteger();
    final Map<String, String> javaEnv = new LinkedHashMap<>();

    private ExecutorSetup setup(Nd4jBackends backends, Map<String, String> env, NvidiaSmiReport report) {
        return new ExecutorSetup(backends, env, settings -> () -> {
            queries.incrementAndGet();
            return report;
        }, binding, javaEnv::put);
    }

    private ExecutorSetup setup(Nd4jBackends backends, Map<String, String> env, String csv) {
        return setup(backends, env, NvidiaSmiReport.ran(csv));
    }

    @Test
    void theCpuJarNeverAsksNvidiaSmiAndJustSaysWhereItRuns() {
        ExecutorSetup s = setup(CPU_JAR, Map.of(), TWO_A100);
        s.forTask(List.of(1), STRICT);
        ExecutorSetup.Outcome o = s.prepare(List.of(1), STRICT);
        assertEquals(Kind.USE_CPU, o.kind());
        assertEquals("Spark assigned GPU 1, but this job jar has ND4J's CPU backend (built without -Pcuda): training "
                + "runs on the CPU", o.message());
        assertEquals("", s.prepare(List.of(), STRICT).message(), "a CPU executor: nothing to say");
        assertEquals(0, queries.get());
        assertEquals(List.of(), binding.configured);
        assertEquals(List.of(), binding.bound);
        assertEquals(Map.of(), javaEnv);
    }

    @Test
    void aSupportedGpuIsCheckedOnceAndEveryTaskThreadIsBound() throws Exception {
        ExecutorSetup s = setup(CUDA_JAR, PCI, TWO_A100);
        s.forTask(List.of(1), STRICT);
        Thread other = new Thread(() -> s.forTask(List.of(1), STRICT), "task-2");
        other.start();
        other.join();
        assertEquals(1, queries.get(), "nvidia-smi once per JVM");
        assertEquals(List.of(1), binding.configured);
        assertEquals(List.of(Thread.currentThread().getName() + "->1", "task-2->1"), binding.bound);
        ExecutorSetup.Outcome o = s.prepare(List.of(1), STRICT);
        assertEquals(Kind.USE_GPU, o.kind());
        assertEquals("using GPU 1 (NVIDIA A100-SXM4-40GB, compute capability 8.0) with the ND4J CUDA 11.6 backend "
                + "(3.7-8.6) (GPU 1 is CUDA device 1)", o.message());
    }

    @Test
    void theBindingFollowsCudaVisibleDevices() {
        // one worker per GPU: CUDA_VISIBLE_DEVICES=1 in the worker's environment, discovery reports GPU 1
        ExecutorSetup s = setup(CUDA_JAR, Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID", "CUDA_VISIBLE_DEVICES", "1"), TWO_A100);
        s.forTask(List.of(1), STRICT);
        assertEquals(List.of(0), binding.configured);
        assertEquals(List.of(Thread.currentThread().getName() + "->0"), binding.bound);
    }

    @Test
    void tasksWithoutGpusAreNotBound() {
        // GPU scheduling off: every GPU listed is checked, ND4J keeps its default device
        ExecutorSetup s = setup(CUDA_JAR, PCI, TWO_A100);
        s.forTask(List.of(), STRICT);
        assertEquals(Kind.USE_GPU, s.prepare(List.of(), STRICT).kind());
        assertEquals(List.of(), binding.bound);
    }

    @Test
    void hopperIsRefusedWithTheChecksMessageOnEveryTask() {
        ExecutorSetup s = setup(CUDA_JAR, Map.of(), H100);
        UnsupportedGpuException first = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(0), STRICT));
        assertEquals("GPU 0 (NVIDIA H100 80GB HBM3, compute capability 9.0) is not supported by the ND4J CUDA 11.6 "
                + "backend (3.7-8.6); use CPU executors (a job jar built without -Pcuda) or set "
                + "spark.vil.gpu.fallback=cpu to fall back to the CPU", first.getMessage());
        UnsupportedGpuException again = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(0), STRICT));
        assertEquals(first.getMessage(), again.getMessage());
        assertEquals(1, queries.get());
        assertEquals(List.of(), binding.configured, "ND4J never started on it");
        assertEquals(List.of(), binding.bound);
    }

    @Test
    void theFallbackMakesNd4jPickItsCpuBackend() {
        ExecutorSetup s = setup(BOTH, Map.of(), H100);
        s.forTask(List.of(0), FALLBACK);
        ExecutorSetup.Outcome o = s.prepare(List.of(0), FALLBACK);
        assertEquals(Kind.USE_CPU, o.kind());
        assertTrue(o.message().endsWith("training on the CPU instead (spark.vil.gpu.fallback=cpu)"), o.message());
        assertEquals(Map.of("BACKEND_PRIORITY_CPU", "101"), javaEnv, "above the CUDA backend's default 100");
        assertEquals(List.of(), binding.configured);

        javaEnv.clear();
        setup(BOTH, Map.of("BACKEND_PRIORITY_GPU", "500"), H100).forTask(List.of(0), FALLBACK);
        assertEquals(Map.of("BACKEND_PRIORITY_CPU", "501"), javaEnv);
    }

    @Test
    void theFallbackNeedsTheCpuBackendInTheJar() {
        ExecutorSetup s = setup(CUDA_JAR, Map.of(), H100);
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(0), FALLBACK));
        assertTrue(e.getMessage().startsWith("GPU 0 (NVIDIA H100 80GB HBM3, compute capability 9.0) is not supported"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(spark.vil.gpu.fallback=cpu is set, but this job jar has no CPU backend to "
                + "fall back to: build it with -Pjob-jar,cuda,cpu-fallback)"), e.getMessage());
        assertEquals(Map.of(), javaEnv);
    }

    @Test
    void theCudaJarOnAnExecutorWithoutNvidiaDriverIsRefused() {
        ExecutorSetup s = setup(CUDA_JAR, Map.of(),
                NvidiaSmiReport.missing("nvidia-smi could not be started: No such file or directory"));
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(), STRICT));
        assertTrue(e.getMessage().startsWith("cannot check the GPU: nvidia-smi could not be started"), e.getMessage());
    }

    @Test
    void anOrdinalThatCannotBeToldIsRefusedRatherThanGuessed() {
        ExecutorSetup s = setup(CUDA_JAR, Map.of(), TWO_A100);
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(1), STRICT));
        assertTrue(e.getMessage().startsWith("cannot bind ND4J to the GPU Spark assigned: 2 GPUs on this host and "
                + "CUDA_DEVICE_ORDER is not PCI_BUS_ID"), e.getMessage());
        assertEquals(List.of(), binding.configured);
    }

    @Test
    void aFailingNd4jSetupIsARefusal() {
        binding.failure = new IllegalStateException("the ND4J CUDA backend is not on the classpath");
        ExecutorSetup s = setup(CUDA_JAR, PCI, TWO_A100);
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(0), STRICT));
        assertTrue(e.getMessage().endsWith("; but setting ND4J up failed: the ND4J CUDA backend is not on the classpath"),
                e.getMessage());
    }

    @Test
    void nd4jFailingToLoadIsARefusalNotACrash() {
        // what the CUDA jar does on a host without the CUDA driver: ND4J's static initialiser fails
        binding.failure = new ExceptionInInitializerError(new RuntimeException("no backend",
                new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file")));
        ExecutorSetup s = setup(CUDA_JAR, PCI, TWO_A100);
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(0), STRICT));
        assertTrue(e.getMessage().endsWith("; but setting ND4J up failed: libcuda.so.1: cannot open shared object file"),
                e.getMessage());
    }

    @Test
    void onAMixedHostLaterTasksMustAgreeWithTheBackendNd4jLoaded() {
        ExecutorSetup s = setup(BOTH, PCI, A100_AND_H100);
        s.forTask(List.of(0), FALLBACK);
        assertEquals(List.of(0), binding.configured);
        // the H100 would fall back to the CPU, but ND4J already runs on CUDA in this JVM
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, () -> s.forTask(List.of(1), FALLBACK));
        assertTrue(e.getMessage().endsWith("but ND4J already runs on CUDA in this executor, so it cannot fall back to "
                + "the CPU now"), e.getMessage());
        assertEquals(Map.of(), javaEnv);
    }
}
