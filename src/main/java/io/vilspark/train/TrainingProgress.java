package io.vilspark.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import scala.collection.JavaConverters;

/**
 * Progress of one epoch on the driver. Parameter averaging runs one Spark job per averaging round
 * (every worker trains {@code averaging_frequency} minibatches, then the driver averages by a
 * tree aggregation), so finished aggregation jobs count finished rounds (the epoch's other jobs, such
 * as DL4J counting the data, do not): a periodic line with rounds done, images/s and ETA.
 */
final class TrainingProgress extends SparkListener implements AutoCloseable {
    /** The call site Spark names a round's stages after. */
    static final String ROUND_CALL_SITE = "treeAggregate at ParameterAveragingTrainingMaster";
    private final AtomicInteger jobsDone = new AtomicInteger();
    private final Set<Integer> roundJobs = ConcurrentHashMap.newKeySet();
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
    public void onJobStart(SparkListenerJobStart jobStart) {
        for (StageInfo stage : JavaConverters.seqAsJavaList(jobStart.stageInfos())) {
            if (stage.name().startsWith(ROUND_CALL_SITE)) {
                roundJobs.add(jobStart.jobId());
                return;
            }
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
        if (roundJobs.remove(jobEnd.jobId())) {
            jobsDone.incrementAndGet();
        }
    }

    /** Averaging rounds finished since the epoch started (or since this listener was added). */
    int roundsDone() {
        return jobsDone.get();
    }

    String line() {
        double seconds = (System.nanoTime() - epochStart) / 1e9;
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
