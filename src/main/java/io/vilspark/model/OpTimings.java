package io.vilspark.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Wall time per SameDiff op type across all ViL layers of this JVM, for profiling. Switched on
 * with {@code -Dvil.profile.ops=true}; {@link #report()} lists the op types by total time.
 */
public final class OpTimings extends BaseListener {
    public static final boolean ENABLED = Boolean.getBoolean("vil.profile.ops");
    /** Also split op types by input shapes ({@code -Dvil.profile.shapes=true}). */
    private static final boolean BY_SHAPE = Boolean.getBoolean("vil.profile.shapes");
    /**
     * Measure the calling thread's CPU time instead of wall time ({@code -Dvil.profile.cpu=true}):
     * stable on a busy machine when ND4J runs single-threaded (OMP_NUM_THREADS=1).
     */
    private static final boolean CPU_TIME = Boolean.getBoolean("vil.profile.cpu");
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    static final OpTimings INSTANCE = new OpTimings();

    private final Map<String, AtomicLong> nanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final ThreadLocal<Long> started = new ThreadLocal<>();

    private OpTimings() {
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        started.set(now());
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
                            INDArray[] outputs) {
        Long t0 = started.get();
        if (t0 != null) {
            String name = op.getOp().opName();
            if (BY_SHAPE && opContext != null) {
                StringBuilder key = new StringBuilder(name);
                for (INDArray in : opContext.getInputArrays()) {
                    key.append(java.util.Arrays.toString(in.shape()));
                }
                name = key.toString();
            }
            nanos.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(now() - t0);
            calls.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static long now() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    public static void reset() {
        INSTANCE.nanos.clear();
        INSTANCE.calls.clear();
    }

    /** One line per op type, most expensive first: total ms, calls. */
    public static String report() {
        return INSTANCE.nanos.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                .map(e -> String.format("%-60s %10.1f ms %8d calls", e.getKey(), e.getValue().get() / 1e6,
                        INSTANCE.calls.get(e.getKey()).get()))
                .collect(Collectors.joining("\n"));
    }
}
