package io.vilspark.inference;

import io.vilspark.model.BatchThreads;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The thread counts ND4J computes with: OpenMP (set by ND4J at start-up from OMP_NUM_THREADS or
 * the core count), the threads libnd4j's own ops split work over ("master" threads; the pool
 * behind them is sized at start-up and cannot grow, so a larger request is capped by it), the
 * BLAS library (OpenBLAS on the CPU backend) that does the matrix products, and the threads one
 * ViL minibatch is split over ({@link BatchThreads}).
 */
public record NativeThreads(int openMp, int nd4jOps, int blas, int batchParts) {

    public static NativeThreads current() {
        return new NativeThreads(nativeOps().ompGetMaxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                Nd4j.factory().blas().getMaxThreads(), BatchThreads.get());
    }

    /** Every op on {@code threads} threads, minibatches whole; returns what each pool actually took. */
    public static NativeThreads set(int threads) {
        setOps(threads);
        BatchThreads.set(1);
        return current();
    }

    /**
     * Each minibatch split over {@code threads} threads, every op single-threaded: how ViL computes
     * fastest on CPUs. libnd4j's multi-threaded element-wise ops gain nothing on ViL's shapes (they
     * are slower than one thread there), while two halves of a minibatch on two threads cost the CPU
     * time of one whole.
     */
    public static NativeThreads splitBatches(int threads) {
        setOps(1);
        BatchThreads.set(Math.max(1, threads));
        return current();
    }

    /** Sets every pool back to these counts (after a measurement that changed them). */
    public NativeThreads restore() {
        nativeOps().setOmpNumThreads(openMp);
        Nd4j.getEnvironment().setMaxMasterThreads(nd4jOps);
        Nd4j.factory().blas().setMaxThreads(blas);
        BatchThreads.set(batchParts);
        return current();
    }

    private static void setOps(int threads) {
        nativeOps().setOmpNumThreads(threads);
        Environment env = Nd4j.getEnvironment();
        env.setMaxThreads(threads);         // a no-op in libnd4j 1.0.0-M2.1, kept for later versions
        env.setMaxMasterThreads(threads);   // what parallel ops use
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    private static NativeOps nativeOps() {
        Nd4j.getBackend();  // loads the backend's native library, which NativeOpsHolder needs first
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }

    /** "2 (OpenMP, ND4J ops and BLAS)" when all pools agree, else each named; then the batch split. */
    public String describe() {
        String ops = openMp == nd4jOps && nd4jOps == blas ? openMp + " (OpenMP, ND4J ops and BLAS)"
                : "OpenMP " + openMp + ", ND4J ops " + nd4jOps + ", BLAS " + blas;
        return batchParts > 1 ? ops + ", minibatch split over " + batchParts + " threads" : ops;
    }
}
