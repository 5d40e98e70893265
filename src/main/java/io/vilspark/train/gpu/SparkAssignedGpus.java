package io.vilspark.train.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The GPUs Spark assigned the running task ({@code spark.task.resource.gpu.amount}): their addresses
 * are what the discovery script reported, nvidia-smi indices for the usual {@code getGpusResources.sh}.
 */
public final class SparkAssignedGpus {
    public static final String RESOURCE = "gpu";

    private SparkAssignedGpus() {
    }

    /** Indices of the current task's GPUs; empty outside a task or when Spark schedules no GPUs. */
    public static List<Integer> ofCurrentTask() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return List.of();
        }
        Map<String, ResourceInformation> resources = task.resourcesJMap();
        ResourceInformation gpus = resources == null ? null : resources.get(RESOURCE);
        return gpus == null ? List.of() : parse(gpus.addresses());
    }

    static List<Integer> parse(String[] addresses) {
        List<Integer> indices = new ArrayList<>(addresses.length);
        for (String address : addresses) {
            try {
                indices.add(Integer.parseInt(address.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Spark GPU address '" + address + "' is not an nvidia-smi index"
                        + " (check spark.executor.resource.gpu.discoveryScript)");
            }
        }
        return indices;
    }
}
