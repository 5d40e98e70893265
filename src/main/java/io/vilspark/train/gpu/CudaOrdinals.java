package io.vilspark.train.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a GPU Spark assigned (an nvidia-smi index, as the discovery script reports it) sits in this
 * process's CUDA device numbering, which ND4J uses. The two differ when {@code CUDA_VISIBLE_DEVICES}
 * hides or reorders GPUs, and when CUDA numbers them fastest-first (its default) while nvidia-smi
 * numbers them by PCI bus: binding the wrong ordinal would put two executors on one GPU.
 */
final class CudaOrdinals {
    static final String VISIBLE = "CUDA_VISIBLE_DEVICES";
    static final String ORDER = "CUDA_DEVICE_ORDER";
    static final String PCI_BUS_ID = "PCI_BUS_ID";

    private CudaOrdinals() {
    }

    /**
     * @param index       nvidia-smi index of the GPU
     * @param listedGpus  how many GPUs nvidia-smi lists on this host (it ignores CUDA_VISIBLE_DEVICES)
     * @param env         this process's environment
     * @throws IllegalStateException naming the setting to fix when the ordinal cannot be told for sure
     */
    static int of(int index, int listedGpus, Map<String, String> env) {
        // one GPU on the host (or in the container): whatever the order, it is device 0
        boolean ordered = listedGpus <= 1 || PCI_BUS_ID.equals(env.get(ORDER));
        if (!ordered) {
            throw new IllegalStateException(listedGpus + " GPUs on this host and " + ORDER + " is not " + PCI_BUS_ID
                    + ": CUDA would number them fastest first, nvidia-smi (and so Spark) by PCI bus; set "
                    + "spark.executorEnv." + ORDER + "=" + PCI_BUS_ID + " (as conf/cluster/*-gpu.conf do)");
        }
        String visible = env.get(VISIBLE);
        if (visible == null) {
            return index;
        }
        List<Integer> shown = visibleIndices(visible);
        int ordinal = shown.indexOf(index);
        if (ordinal < 0) {
            throw new IllegalStateException("Spark assigned GPU " + index + ", but " + VISIBLE + "=" + visible
                    + " hides it from CUDA (the discovery script must report only visible GPUs; jobs/discover-gpus does)");
        }
        return ordinal;
    }

    /** CUDA reads the list up to the first entry it cannot parse; UUIDs cannot be matched to indices here. */
    private static List<Integer> visibleIndices(String visible) {
        List<Integer> indices = new ArrayList<>();
        for (String entry : visible.split(",", -1)) {
            String e = entry.trim();
            if (e.startsWith("GPU-") || e.startsWith("MIG-")) {
                throw new IllegalStateException(VISIBLE + "=" + visible + " names GPUs by UUID; list nvidia-smi "
                        + "indices instead, so that Spark's GPU addresses can be matched to them");
            }
            try {
                int i = Integer.parseInt(e);
                if (i < 0) {
                    break;
                }
                indices.add(i);
            } catch (NumberFormatException notANumber) {
                break;
            }
        }
        return indices;
    }
}
