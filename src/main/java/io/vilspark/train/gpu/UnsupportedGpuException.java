package io.vilspark.train.gpu;

/** The GPU an executor got cannot run the ND4J CUDA backend (or could not be checked), and no CPU fallback was asked for. */
public final class UnsupportedGpuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedGpuException(String message) {
        super(message);
    }
}
