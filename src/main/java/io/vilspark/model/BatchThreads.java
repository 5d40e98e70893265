package io.vilspark.model;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many threads of this JVM one minibatch is split over. Each part runs through its own copy of
 * the network's graph on its own thread, every op single-threaded; the parts' gradients are summed,
 * which is exactly the whole minibatch's gradient (no op mixes samples). On ViL's shapes this beats
 * multi-threaded ops by far: libnd4j's element-wise ops gain nothing from a second thread, a
 * second minibatch part nearly doubles the throughput.
 */
public final class BatchThreads {
    /** A part smaller than this costs more in per-op overhead than its thread saves. */
    static final int MIN_ROWS_PER_PART = 4;

    private static volatile int threads = 1;
    private static ExecutorService pool;
    private static int poolSize;

    private BatchThreads() {
    }

    /** Splits every later minibatch over {@code n} threads (1: no split). */
    public static void set(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batch threads must be at least 1, got " + n);
        }
        threads = n;
    }

    public static int get() {
        return threads;
    }

    /** Into how many parts a minibatch of {@code rows} is split. */
    static int partsFor(long rows) {
        return (int) Math.max(1, Math.min(threads, rows / MIN_ROWS_PER_PART));
    }

    /**
     * The daemon threads every part runs on, at least one per core and one per part (grown when
     * asked for more). Fixed threads, not the callers': each keeps a workspace and a session per
     * graph, which a caller's thread (a Spark task's, new for many tasks) would take with it.
     */
    static synchronized ExecutorService pool(int parts) {
        int size = Math.max(parts, Runtime.getRuntime().availableProcessors());
        if (pool == null || poolSize < size) {
            if (pool != null) {
                pool.shutdown();
            }
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(size, r -> {
                Thread t = new Thread(() -> {
                    // OpenMP's thread count belongs to each thread: one, as every op here
                    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
                    r.run();
                }, "vil-graph-pass-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            poolSize = size;
        }
        return pool;
    }
}
