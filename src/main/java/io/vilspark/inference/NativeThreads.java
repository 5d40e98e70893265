package io.vilspark.inference;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The thread counts ND4J computes with: OpenMP (set by ND4J at start-up from OMP_NUM_THREADS or
 * the core count), the threads libnd4j's own ops split work over ("master" threads; the pool
 * behind them is sized at start-up and cannot grow, so a larger request is capped by it), and the
 * BLAS library (OpenBLAS on the CPU backend) that does the matrix products.
 */
public record NativeThreads(int openMp, int nd4jOps, int blas) {

    public static NativeThreads current() {
        return new NativeThreads(nativeOps().ompGetMaxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                Nd4j.factory().blas().getMaxThreads());
    }

    /** Sets every pool to {@code threads} in this process; returns what each actually took. */
    public static NativeThreads set(int threads) {
        nativeOps().setOmpNumThreads(threads);
        Environment env = Nd4j.getEnvironment();
        env.setMaxThreads(threads);         // a no-op in libnd4j 1.0.0-M2.1, kept for later versions
        env.setMaxMasterThreads(threads);   // what parallel ops use
        Nd4j.factory().blas().setMaxThreads(threads);
        return current();
    }

    /**
     * ND4J's own ops on one thread, the matrix products on {@code blasThreads}: on ViL's training
     * shapes libnd4j's multi-threaded element-wise ops were slower than one thread (demo model,
     * batch 128, 2 cores: 72 images/s with 2 threads everywhere, 85 with 1, 93 with 1 + BLAS 2).
     */
    public static NativeThreads forTraining(int blasThreads) {
        nativeOps().setOmpNumThreads(1);
        Environment env = Nd4j.getEnvironment();
        env.setMaxThreads(1);
        env.setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(Math.max(1, blasThreads));
        return current();
    }

    private static NativeOps nativeOps() {
        Nd4j.getBackend();  // loads the backend's native library, which NativeOpsHolder needs first
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }

    /** "2 (OpenMP, ND4J ops and BLAS)" when all pools agree, else each named. */
    public String describe() {
        if (openMp == nd4jOps && nd4jOps == blas) {
            return openMp + " (OpenMP, ND4J ops and BLAS)";
        }
        return "OpenMP " + openMp + ", ND4J ops " + nd4jOps + ", BLAS " + blas;
    }
}
