package io.vilspark.train.gpu;

import java.util.List;

/**
 * What an executor does with its GPUs, and why.
 *
 * @param kind    use the GPUs, fall back to the CPU, or refuse to train
 * @param message one line for the log (and the job's error on {@link Kind#REFUSE})
 * @param devices the GPUs the decision is about (empty when nvidia-smi told nothing)
 */
public record GpuDecision(Kind kind, String message, List<GpuDevice> devices) {
    public enum Kind {
        USE_GPU,
        USE_CPU,
        REFUSE
    }

    public GpuDecision {
        devices = List.copyOf(devices);
    }

    /** This decision, unless it is to refuse: then the exception that stops the job with the message. */
    public GpuDecision orThrow() {
        if (kind == Kind.REFUSE) {
            throw new UnsupportedGpuException(message);
        }
        return this;
    }
}
