package io.vilspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The resident-memory figures the benchmarks print, read from /proc/self/status. */
class ProcessMemoryTest {
    private static final List<String> STATUS = List.of("Name:\tjava", "VmHWM:\t 6400000 kB", "VmRSS:\t  123456 kB",
            "VmSwap:\t       0 kB");

    @Test
    void kibFieldsBecomeBytes() {
        assertEquals(OptionalLong.of(123456L * 1024), ProcessMemory.kibField(STATUS, "VmRSS:"));
        assertEquals(OptionalLong.of(6400000L * 1024), ProcessMemory.kibField(STATUS, "VmHWM:"));
        assertEquals(OptionalLong.empty(), ProcessMemory.kibField(STATUS, "VmPeak:"));
        assertEquals(OptionalLong.empty(), ProcessMemory.kibField(List.of("VmRSS:\tlots kB"), "VmRSS:"));
    }

    @Test
    void describesResidentPeakAndHeap() {
        ProcessMemory m = new ProcessMemory(OptionalLong.of(6_210_000_000L), OptionalLong.of(6_500_000_000L),
                310_000_000L, 1_200_000_000L, 800_000_000L);
        assertEquals("resident 6.21 GB (peak 6.50 GB), JVM heap 0.31 GB used of 1.20 GB committed (peak 0.80 GB)",
                m.describe());
        ProcessMemory noProc = new ProcessMemory(OptionalLong.empty(), OptionalLong.empty(), 1_000_000L, 2_000_000L, 3_000_000L);
        assertEquals("JVM heap 0.00 GB used of 0.00 GB committed (peak 0.00 GB)", noProc.describe());
    }

    @Test
    void thisProcessIsResident() {
        ProcessMemory now = ProcessMemory.now();
        assertTrue(now.residentBytes().orElseThrow() > 0);
        assertTrue(now.peakResidentBytes().orElseThrow() >= now.residentBytes().orElseThrow());
        // the heap's peak is at least what it holds now, and its pages were resident when it was reached
        assertTrue(now.heapPeakBytes() > 0 && now.heapPeakBytes() >= now.heapUsedBytes() / 2, now::toString);
        assertTrue(now.peakResidentBytes().orElseThrow() >= now.heapPeakBytes(), now::toString);
    }
}
