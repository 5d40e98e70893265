package io.vilspark.train.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides, before ND4J initialises on a GPU executor, whether the GPUs Spark assigned can run the ND4J
 * CUDA backend. {@code nd4j-cuda-11.6:1.0.0-M2.1} carries machine code for compute capability 3.7 to
 * 8.6 and no PTX, so a newer GPU (Hopper, 9.0) fails inside native code; this check says so first,
 * and either stops the job with a clear message or, when configured, lets the executor train on the
 * CPU (that needs the CPU backend in the job jar and picked at launch, e.g. {@code BACKEND_PRIORITY_CPU}
 * above {@code BACKEND_PRIORITY_GPU} in the executor's environment: ND4J reads them once, in a static
 * initialiser).
 *
 * <p>{@link #decide} is a pure function of nvidia-smi's answer, so it is tested with recorded outputs.
 */
public final class CudaCapabilityCheck {
    public static final ComputeCapability LOWEST = new ComputeCapability(3, 7);
    public static final ComputeCapability HIGHEST = new ComputeCapability(8, 6);
    static final String BACKEND = "the ND4J CUDA 11.6 backend (" + LOWEST + "-" + HIGHEST + ")";

    private final boolean fallbackToCpu;
    private final String fallbackSetting;

    /**
     * @param fallbackToCpu   train on the CPU when the GPUs cannot be used, instead of refusing
     * @param fallbackSetting the setting that asks for the fallback, as the user writes it (for messages)
     */
    public CudaCapabilityCheck(boolean fallbackToCpu, String fallbackSetting) {
        this.fallbackToCpu = fallbackToCpu;
        this.fallbackSetting = fallbackSetting;
    }

    /** Queries nvidia-smi and decides for the GPUs Spark assigned this task. */
    public GpuDecision run(List<Integer> assignedIndices) {
        return run(assignedIndices, new NvidiaSmi());
    }

    public GpuDecision run(List<Integer> assignedIndices, Supplier<NvidiaSmiReport> query) {
        return decide(query.get(), assignedIndices);
    }

    /**
     * @param report          nvidia-smi's answer
     * @param assignedIndices nvidia-smi indices Spark assigned; empty: every GPU listed (ND4J then uses them all)
     */
    public GpuDecision decide(NvidiaSmiReport report, List<Integer> assignedIndices) {
        switch (report.outcome()) {
            case MISSING:
                return unusable("cannot check the GPU: " + report.text()
                        + " (no NVIDIA driver on this executor, or nvidia-smi not on its PATH)", List.of());
            case FAILED:
                String hint = report.text().contains("compute_cap")
                        ? " (drivers older than R510 do not report compute_cap; update the driver)" : "";
                return unusable("cannot check the GPU: " + report.text() + hint, List.of());
            default:
                break;
        }
        List<GpuDevice> listed;
        try {
            listed = NvidiaSmiCsv.parse(report.text());
        } catch (IllegalArgumentException e) {
            return unusable("cannot read nvidia-smi's list of GPUs: " + e.getMessage(), List.of());
        }
        if (listed.isEmpty()) {
            return unusable("nvidia-smi lists no GPU on this executor", List.of());
        }
        Map<Integer, GpuDevice> byIndex = new TreeMap<>();
        listed.forEach(d -> byIndex.put(d.index(), d));
        List<GpuDevice> assigned = new ArrayList<>();
        for (int index : assignedIndices.isEmpty() ? List.copyOf(byIndex.keySet()) : assignedIndices) {
            GpuDevice device = byIndex.get(index);
            if (device == null) {
                return unusable("Spark assigned GPU " + index + ", but nvidia-smi lists only GPU "
                        + byIndex.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + " (check the GPU discovery script)", listed);
            }
            assigned.add(device);
        }
        List<GpuDevice> unsupported = assigned.stream()
                .filter(d -> !d.capability().isWithin(LOWEST, HIGHEST)).toList();
        if (unsupported.isEmpty()) {
            return new GpuDecision(GpuDecision.Kind.USE_GPU, "using " + assigned.stream().map(GpuDevice::describe)
                    .collect(Collectors.joining(", ")) + " with " + BACKEND, assigned);
        }
        String which = unsupported.stream().map(GpuDevice::describe).collect(Collectors.joining(", "));
        return unusable(which + (unsupported.size() == 1 ? " is" : " are") + " not supported by " + BACKEND, assigned);
    }

    private GpuDecision unusable(String reason, List<GpuDevice> devices) {
        if (fallbackToCpu) {
            return new GpuDecision(GpuDecision.Kind.USE_CPU, reason + "; training on the CPU instead ("
                    + fallbackSetting + ")", devices);
        }
        return new GpuDecision(GpuDecision.Kind.REFUSE, reason + "; use CPU executors (a job jar built without -Pcuda)"
                + " or set " + fallbackSetting + " to fall back to the CPU", devices);
    }
}
