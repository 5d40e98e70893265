package io.vilspark.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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

    /**
     * Forward activations one training pass may hold for its backward pass, counted as image tokens x
     * model dim x sub-blocks: about four ViL-T images at 224 px, one ViL-B image, the demo's whole
     * minibatch. A pass keeps every block's activations until its backward pass reaches them, so its
     * memory grows with its images, while its speed per image stops growing at a few images
     * (docs/performance.md).
     */
    static final long TRAINING_PASS_ACTIVATIONS = 1L << 22;

    private static volatile int threads = 1;
    /** Most images per training pass; 0: from {@link #TRAINING_PASS_ACTIVATIONS} and the model. */
    private static volatile int maxImagesPerTrainingPass;
    private static final Deque<ExecutorService> IDLE_THREADS = new ArrayDeque<>();
    private static final AtomicInteger THREAD_COUNT = new AtomicInteger();

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

    /** Caps every later training pass at {@code n} images (0: the model's own cap, {@link #imagesPerTrainingPass}). */
    static void setMaxImagesPerTrainingPass(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("images per training pass must be at least 0, got " + n);
        }
        maxImagesPerTrainingPass = n;
    }

    /** Most images one training pass of {@code config} takes: its activations within {@link #TRAINING_PASS_ACTIVATIONS}. */
    static int imagesPerTrainingPass(ViLConfig config) {
        if (maxImagesPerTrainingPass > 0) {
            return maxImagesPerTrainingPass;
        }
        long perImage = (long) config.sequenceLength() * config.dim() * 2L * config.depth();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TRAINING_PASS_ACTIVATIONS / perImage));
    }

    /**
     * In how many waves, one after another, a training minibatch of {@code rows} runs: each wave is
     * split over the threads with at most {@code perPass} images per part, so that a large minibatch
     * needs the memory of a few images per thread instead of all of them. The waves' summed gradients
     * are the whole minibatch's (no op mixes samples).
     */
    static int trainingWaves(long rows, int perPass) {
        long perWave = (long) threads * perPass;
        return (int) Math.max(1, (rows + perWave - 1) / perWave);
    }

    /** Parts of one training wave of {@code rows}: as {@link #partsFor}, and no part above {@code perPass} images. */
    static int trainingPartsFor(long rows, int perPass) {
        return (int) Math.min(threads, Math.max(partsFor(rows), (rows + perPass - 1) / perPass));
    }

    /**
     * {@code n} pass threads for one minibatch's parts, the most recently released first: a pass
     * thread keeps a session per graph it ran, so passes come back to the same few threads rather
     * than spread over a pool. Concurrent callers (Spark tasks in one JVM) get threads of their own.
     * Fixed threads, not the callers': a Spark task's thread (new for many tasks) would take its
     * sessions along when it ends.
     */
    static List<ExecutorService> acquire(int n) {
        List<ExecutorService> threads = new ArrayList<>(n);
        synchronized (IDLE_THREADS) {
            while (threads.size() < n && !IDLE_THREADS.isEmpty()) {
                threads.add(IDLE_THREADS.pollFirst());
            }
        }
        while (threads.size() < n) {
            threads.add(newPassThread());
        }
        return threads;
    }

    /** Gives threads from {@link #acquire} back, in the order they were acquired. */
    static void release(List<ExecutorService> threads) {
        synchronized (IDLE_THREADS) {
            for (int i = threads.size() - 1; i >= 0; i--) {
                IDLE_THREADS.addFirst(threads.get(i));
            }
        }
    }

    private static ExecutorService newPassThread() {
        String name = "vil-graph-pass-" + THREAD_COUNT.incrementAndGet();
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                // OpenMP's thread count belongs to each thread: one, as every op here
                NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        });
    }
}
