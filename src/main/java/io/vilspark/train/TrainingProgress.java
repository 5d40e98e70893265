package io.vilspark.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;

/**
 * Progress of one epoch on the driver. Parameter averaging runs one Spark job per averaging round
 * (every worker trains {@code averaging_frequency} minibatches, then the driver averages), so
 * finished jobs count finished rounds: a periodic line with rounds done, images/s and ETA.
 */
final class TrainingProgress extends SparkListener implements AutoCloseable {
    private final AtomicInteger jobsDone = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vil-train-progress");
        t.setDaemon(true);
        return t;
    });
    private volatile String label = "";
    private volatile long epochStart;
    private volatile int rounds;
    private volatile long imagesPerRound;

    TrainingProgress(PrintStream out, long periodSeconds) {
        timer.scheduleAtFixedRate(() -> {
            if (epochStart > 0) {
                out.println(line());
            }
        }, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /** Starts counting an epoch of {@code rounds} averaging rounds of {@code imagesPerRound} images. */
    void startEpoch(String label, int rounds, long imagesPerRound) {
        this.label = label;
        this.rounds = rounds;
        this.imagesPerRound = imagesPerRound;
        jobsDone.set(0);
        epochStart = System.nanoTime();
    }

    void endEpoch() {
        epochStart = 0;
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
        jobsDone.incrementAndGet();
    }

    String line() {
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        // the first jobs of an epoch count and cache the data; training rounds follow
        int done = Math.min(jobsDone.get(), rounds);
        double imagesPerSecond = done * imagesPerRound / Math.max(seconds, 1e-9);
        String eta = done == 0 ? "?" : format(Duration.ofSeconds((long) (seconds / done * (rounds - done))));
        return String.format("train: %s: round %d/%d, %.1f images/s, elapsed %s, ETA %s", label, done, rounds,
                imagesPerSecond, format(Duration.ofSeconds((long) seconds)), eta);
    }

    private static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
