package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.vilspark.train.gpu.GpuDecision.Kind;
import org.junit.jupiter.api.Test;

/** Recorded answers of {@code nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader}. */
class CudaCapabilityCheckTest {
    private static final String A100 = "0, NVIDIA A100-SXM4-40GB, 8.0\n";
    private static final String RTX_3090 = "0, NVIDIA GeForce RTX 3090, 8.6\n";
    private static final String H100 = "0, NVIDIA H100 80GB HBM3, 9.0\n";
    private static final String K80 = "0, Tesla K80, 3.7\n1, Tesla K80, 3.7\n";
    private static final String M60 = "0, Tesla M60, 5.2\n";
    private static final String K40 = "0, Tesla K40m, 3.5\n";
    private static final String A100_AND_H100 = "0, NVIDIA A100 80GB PCIe, 8.0\n1, NVIDIA H100 PCIe, 9.0\n";

    private static final String SETTING = "train.gpu_fallback = cpu";
    private static final CudaCapabilityCheck STRICT = new CudaCapabilityCheck(false, SETTING);
    private static final CudaCapabilityCheck FALLBACK = new CudaCapabilityCheck(true, SETTING);

    private static GpuDecision strict(String csv, Integer... assigned) {
        return STRICT.decide(NvidiaSmiReport.ran(csv), List.of(assigned));
    }

    @Test
    void supportedGenerationsRunOnTheGpu() {
        for (String csv : List.of(A100, RTX_3090, K80, M60)) {
            GpuDecision d = strict(csv, 0);
            assertEquals(Kind.USE_GPU, d.kind(), csv);
            assertEquals(0, d.devices().get(0).index());
        }
        assertEquals("using GPU 0 (NVIDIA GeForce RTX 3090, compute capability 8.6) with the ND4J CUDA 11.6 backend (3.7-8.6)",
                strict(RTX_3090, 0).message());
        assertEquals(2, strict(K80).devices().size(), "nothing assigned: every listed GPU is checked");
        assertEquals(Kind.USE_GPU, strict(K80, 1).kind());
    }

    @Test
    void hopperIsRefusedWithAClearMessage() {
        GpuDecision d = strict(H100, 0);
        assertEquals(Kind.REFUSE, d.kind());
        assertEquals("GPU 0 (NVIDIA H100 80GB HBM3, compute capability 9.0) is not supported by the ND4J CUDA 11.6 backend"
                + " (3.7-8.6); use CPU executors (a job jar built without -Pcuda) or set train.gpu_fallback = cpu"
                + " to fall back to the CPU", d.message());
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, d::orThrow);
        assertEquals(d.message(), e.getMessage());
    }

    @Test
    void olderThanKeplerK80IsRefused() {
        GpuDecision d = strict(K40, 0);
        assertEquals(Kind.REFUSE, d.kind());
        assertTrue(d.message().startsWith("GPU 0 (Tesla K40m, compute capability 3.5) is not supported"), d.message());
    }

    @Test
    void withFallbackTheExecutorTrainsOnTheCpu() {
        GpuDecision d = FALLBACK.decide(NvidiaSmiReport.ran(H100), List.of(0));
        assertEquals(Kind.USE_CPU, d.kind());
        assertEquals("GPU 0 (NVIDIA H100 80GB HBM3, compute capability 9.0) is not supported by the ND4J CUDA 11.6 backend"
                + " (3.7-8.6); training on the CPU instead (train.gpu_fallback = cpu)", d.message());
        assertEquals(d, d.orThrow());
        assertEquals(Kind.USE_GPU, FALLBACK.decide(NvidiaSmiReport.ran(A100), List.of(0)).kind());
    }

    @Test
    void onAMixedMachineOnlyTheAssignedGpusCount() {
        assertEquals(Kind.USE_GPU, strict(A100_AND_H100, 0).kind());
        GpuDecision h100 = strict(A100_AND_H100, 1);
        assertEquals(Kind.REFUSE, h100.kind());
        assertTrue(h100.message().startsWith("GPU 1 (NVIDIA H100 PCIe, compute capability 9.0) is not supported"), h100.message());
        GpuDecision both = strict(A100_AND_H100, 0, 1);
        assertEquals(Kind.REFUSE, both.kind());
        assertTrue(both.message().startsWith("GPU 1 (NVIDIA H100 PCIe, compute capability 9.0) is not"), both.message());
        assertEquals(Kind.REFUSE, strict(A100_AND_H100).kind(), "nothing assigned: ND4J would use both");
        assertEquals(Kind.REFUSE, strict("0, NVIDIA H100 PCIe, 9.0\n1, NVIDIA H100 PCIe, 9.0\n").kind());
        assertTrue(strict("0, NVIDIA H100 PCIe, 9.0\n1, NVIDIA H100 PCIe, 9.0\n").message()
                .contains("GPU 0 (NVIDIA H100 PCIe, compute capability 9.0), GPU 1 (NVIDIA H100 PCIe, compute capability 9.0) are not"));
    }

    @Test
    void anAssignedGpuThatIsNotListedIsRefused() {
        GpuDecision d = strict(A100_AND_H100, 3);
        assertEquals(Kind.REFUSE, d.kind());
        assertTrue(d.message().startsWith("Spark assigned GPU 3, but nvidia-smi lists only GPU 0, 1"), d.message());
    }

    @Test
    void malformedOutputIsNotGuessedAt() {
        GpuDecision d = strict("0, NVIDIA A100-SXM4-40GB, [N/A]\n", 0);
        assertEquals(Kind.REFUSE, d.kind());
        assertTrue(d.message().startsWith("cannot read nvidia-smi's list of GPUs: line 1 '0, NVIDIA A100-SXM4-40GB, [N/A]':"
                + " not a compute capability: '[N/A]'"), d.message());
        assertTrue(strict("No devices were found\n").message().contains("expected 3 comma-separated fields"));
        assertTrue(strict("GPU-0, Tesla T4, 7.5\n").message().contains("index 'GPU-0' is not a number"));
        assertEquals(Kind.REFUSE, strict("").kind());
        assertTrue(strict("\n").message().startsWith("nvidia-smi lists no GPU"));
        assertEquals(Kind.USE_CPU, FALLBACK.decide(NvidiaSmiReport.ran("garbage"), List.of(0)).kind());
        // a comma inside the name does no harm
        assertEquals("Quadro RTX 8000, rev B", strict("0, Quadro RTX 8000, rev B, 7.5\n", 0).devices().get(0).name());
    }

    @Test
    void aMachineWithoutNvidiaSmiOrWithAnOldDriverIsNotGuessedAt() {
        GpuDecision missing = STRICT.decide(NvidiaSmiReport.missing("nvidia-smi could not be started: No such file"), List.of(0));
        assertEquals(Kind.REFUSE, missing.kind());
        assertTrue(missing.message().startsWith("cannot check the GPU: nvidia-smi could not be started: No such file"
                + " (no NVIDIA driver on this executor, or nvidia-smi not on its PATH)"), missing.message());
        GpuDecision oldDriver = STRICT.decide(NvidiaSmiReport.failed("nvidia-smi exited with code 2: Field \"compute_cap\""
                + " is not a valid field to query."), List.of(0));
        assertEquals(Kind.REFUSE, oldDriver.kind());
        assertTrue(oldDriver.message().contains("drivers older than R510 do not report compute_cap"), oldDriver.message());
        assertEquals(Kind.USE_CPU, FALLBACK.decide(NvidiaSmiReport.missing("not found"), List.of()).kind());
    }

    @Test
    void runAsksTheQuery() {
        assertEquals(Kind.USE_GPU, STRICT.run(List.of(0), () -> NvidiaSmiReport.ran(A100)).kind());
    }
}
