package io.vilspark.train.gpu;

/**
 * What running {@code nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader} gave.
 *
 * @param outcome how the run ended
 * @param text    standard output on {@link Outcome#RAN}; otherwise what went wrong (error output, exit code)
 */
public record NvidiaSmiReport(Outcome outcome, String text) {
    public enum Outcome {
        /** exit code 0: {@code text} is the CSV */
        RAN,
        /** no nvidia-smi on the PATH (no NVIDIA driver on this machine) */
        MISSING,
        /** it ran but failed (driver not loaded, field unknown to an old driver, timeout) */
        FAILED
    }

    public static NvidiaSmiReport ran(String stdout) {
        return new NvidiaSmiReport(Outcome.RAN, stdout);
    }

    public static NvidiaSmiReport missing(String why) {
        return new NvidiaSmiReport(Outcome.MISSING, why);
    }

    public static NvidiaSmiReport failed(String why) {
        return new NvidiaSmiReport(Outcome.FAILED, why);
    }
}
