package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The process side, with shell commands standing in for nvidia-smi (there is no GPU here). */
class NvidiaSmiTest {

    private static NvidiaSmiReport run(String... command) {
        return new NvidiaSmi(List.of(command), Duration.ofSeconds(10)).get();
    }

    @Test
    void standardOutputIsTheAnswer() {
        NvidiaSmiReport r = run("sh", "-c", "printf '0, NVIDIA A100-SXM4-40GB, 8.0\\n'");
        assertEquals(NvidiaSmiReport.Outcome.RAN, r.outcome());
        assertEquals("0, NVIDIA A100-SXM4-40GB, 8.0\n", r.text());
    }

    @Test
    void aMissingProgramIsReportedAsMissing() {
        NvidiaSmiReport r = run("nvidia-smi-that-is-not-installed", "--query-gpu=index");
        assertEquals(NvidiaSmiReport.Outcome.MISSING, r.outcome());
        assertTrue(r.text().startsWith("nvidia-smi-that-is-not-installed could not be started"), r.text());
    }

    @Test
    void aFailureCarriesItsExitCodeAndMessage() {
        NvidiaSmiReport r = run("sh", "-c", "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2; exit 9");
        assertEquals(NvidiaSmiReport.Outcome.FAILED, r.outcome());
        assertEquals("sh exited with code 9: NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.",
                r.text());
    }

    @Test
    void aHangingProgramIsStopped() {
        NvidiaSmiReport r = new NvidiaSmi(List.of("sleep", "30"), Duration.ofMillis(300)).get();
        assertEquals(NvidiaSmiReport.Outcome.FAILED, r.outcome());
        assertTrue(r.text().contains("did not answer"), r.text());
    }

    @Test
    void sparkAddressesAreNvidiaSmiIndices() {
        assertEquals(List.of(0, 3), SparkAssignedGpus.parse(new String[] {"0", " 3"}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkAssignedGpus.parse(new String[] {"GPU-8f1e"}));
        assertTrue(e.getMessage().contains("'GPU-8f1e' is not an nvidia-smi index"), e.getMessage());
        assertEquals(List.of(), SparkAssignedGpus.ofCurrentTask(), "outside a Spark task");
    }

    @Test
    void capabilitiesCompareByMajorThenMinor() {
        assertTrue(ComputeCapability.parse("8.6").isWithin(CudaCapabilityCheck.LOWEST, CudaCapabilityCheck.HIGHEST));
        assertTrue(ComputeCapability.parse("3.7").isWithin(CudaCapabilityCheck.LOWEST, CudaCapabilityCheck.HIGHEST));
        assertTrue(!ComputeCapability.parse("8.9").isWithin(CudaCapabilityCheck.LOWEST, CudaCapabilityCheck.HIGHEST));
        assertTrue(!ComputeCapability.parse("10.0").isWithin(CudaCapabilityCheck.LOWEST, CudaCapabilityCheck.HIGHEST));
        assertTrue(ComputeCapability.parse("12.0").compareTo(ComputeCapability.parse("9.0")) > 0);
        assertThrows(IllegalArgumentException.class, () -> ComputeCapability.parse("8"));
    }
}
