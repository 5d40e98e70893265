package io.vilspark.train.gpu;

/**
 * One GPU as nvidia-smi lists it.
 *
 * @param index      nvidia-smi's index (the physical one: it ignores CUDA_VISIBLE_DEVICES), which is
 *                   what Spark's GPU discovery script reports as the address
 * @param name       product name, e.g. {@code NVIDIA A100-SXM4-40GB}
 * @param capability compute capability
 */
public record GpuDevice(int index, String name, ComputeCapability capability) {
    /** {@code GPU 0 (NVIDIA H100 80GB HBM3, compute capability 9.0)}. */
    public String describe() {
        return "GPU " + index + " (" + name + ", compute capability " + capability + ")";
    }
}
