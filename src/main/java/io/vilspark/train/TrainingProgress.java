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

/**
 * Progress of one epoch on the driver. Parameter averaging runs one Spark job per averaging round, in
 * the job group {@link ParameterAveraging#JOB_GROUP}, so finished jobs of that group count finished
 * rounds (the epoch's other jobs, such as counting the data or validating, do not): a periodic line
 * with rounds done, images/s and ETA.
 */
final class TrainingProgress extends SparkListener implements AutoCloseable {
    /** The local property that holds a job's group (SparkContext.SPARK_JOB_GROUP_ID). */
    private static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";
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
    private volatile String unit = "round";
    private volatile long imagesPerRound;

    TrainingProgress(PrintStream out, long periodSeconds) {
        timer.scheduleAtFixedRate(() -> {
            if (epochStart > 0) {
                out.println(line());
            }
        }, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /**
     * Starts counting an epoch of {@code rounds} averaging rounds of {@code imagesPerRound} images; {@code unit}
     * names them in the progress line ({@code round}, or {@code step} when every step is a job).
     */
    void startEpoch(String label, int rounds, long imagesPerRound, String unit) {
        this.unit = unit;
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
        if (jobStart.properties() != null
                && ParameterAveraging.JOB_GROUP.equals(jobStart.properties().getProperty(JOB_GROUP_PROPERTY))) {
            roundJobs.add(jobStart.jobId());
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
        return String.format("train: %s: %s %d/%d, %.1f images/s, elapsed %s, ETA %s", label, unit, done, rounds,
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
