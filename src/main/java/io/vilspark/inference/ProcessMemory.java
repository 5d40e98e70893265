package io.vilspark.inference;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * This JVM's memory as the operating system sees it (resident now and at its peak, from
 * {@code /proc/self/status}) and its heap (used now and at its peak: the heap pools' peak usage
 * summed); for benchmarks, where the heap alone says little
 * (ND4J's arrays live outside it).
 */
public record ProcessMemory(OptionalLong residentBytes, OptionalLong peakResidentBytes, long heapUsedBytes, long heapCommittedBytes,
                     long heapPeakBytes) {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** The figures at this moment. */
    public static ProcessMemory now() {
        List<String> status;
        try {
            status = Files.readAllLines(STATUS, StandardCharsets.US_ASCII);
        } catch (IOException | UnsupportedOperationException e) {
            status = List.of();   // not Linux: only the JVM's own figures
        }
        Runtime rt = Runtime.getRuntime();
        return new ProcessMemory(kibField(status, "VmRSS:"), kibField(status, "VmHWM:"), rt.totalMemory() - rt.freeMemory(),
                rt.totalMemory(), heapPeak());
    }

    /** The peak usage of each heap pool (eden, survivor, old generation) since the JVM started, summed. */
    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** A {@code /proc/self/status} line such as {@code VmHWM:   123456 kB}, in bytes. */
    static OptionalLong kibField(List<String> status, String key) {
        for (String line : status) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                try {
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /** e.g. {@code resident 6.21 GB (peak 6.50 GB), JVM heap 0.31 GB used of 1.20 GB committed (peak 0.80 GB)}. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (residentBytes.isPresent()) {
            s.append("resident ").append(gb(residentBytes.getAsLong()));
            peakResidentBytes.ifPresent(p -> s.append(" (peak ").append(gb(p)).append(")"));
            s.append(", ");
        }
        return s.append("JVM heap ").append(gb(heapUsedBytes)).append(" used of ").append(gb(heapCommittedBytes))
                .append(" committed (peak ").append(gb(heapPeakBytes)).append(")").toString();
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
}
