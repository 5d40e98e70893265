package io.vilspark.data;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Progress of a Spark job on the driver: inputs done / total, images/s, ETA, printed every few
 * seconds under the job's name ({@code prepare: ...}, {@code extract: ...}). Counts
 * come from the tasks' "inputs done" accumulator: exact for finished tasks (task end events),
 * and for running tasks the value their executor's last heartbeat reported (every 10 s by
 * default), so the count may lag but never runs ahead. Failed attempts count nothing.
 */
public final class ProgressReporter extends SparkListener implements AutoCloseable {
    private final String label;
    private final long accumulatorId;
    private final long total;
    private final PrintWriter out;
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final Set<Long> ended = ConcurrentHashMap.newKeySet();
    private final AtomicLong finished = new AtomicLong();
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer;

    /**
     * @param label         the job's name, the start of each line
     * @param accumulatorId the tasks' "inputs done" accumulator
     * @param out           where lines go (null: nowhere)
     * @param intervalSeconds seconds between lines; 0 = none
     */
    public ProgressReporter(String label, long accumulatorId, long total, PrintWriter out, int intervalSeconds) {
        this.label = label;
        this.accumulatorId = accumulatorId;
        this.total = total;
        this.out = out;
        if (intervalSeconds > 0 && out != null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vil-" + label + "-progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::print, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
        } else {
            timer = null;
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        long task = event.taskInfo().taskId();
        ended.add(task);
        running.remove(task);
        Long value = valueOf(event.taskInfo().accumulables());
        if (value != null && event.reason() == Success$.MODULE$) {
            finished.addAndGet(value);
        }
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate event) {
        for (Tuple4<Object, Object, Object, ? extends scala.collection.Seq<AccumulableInfo>> update
                : JavaConverters.seqAsJavaList(event.accumUpdates())) {
            long task = (Long) update._1();
            Long value = valueOf(update._4());
            if (value != null && !ended.contains(task)) {
                running.put(task, value);
            }
        }
    }

    private Long valueOf(scala.collection.Seq<AccumulableInfo> infos) {
        for (AccumulableInfo info : JavaConverters.seqAsJavaList(infos)) {
            if (info.id() == accumulatorId && info.update().isDefined()) {
                return ((Number) info.update().get()).longValue();
            }
        }
        return null;
    }

    /** Inputs done so far (never more than the total). */
    long done() {
        long sum = finished.get();
        for (long v : running.values()) {
            sum += v;
        }
        return Math.min(total, sum);
    }

    public String line() {
        long done = done();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "%s: %d/%d inputs (%.1f%%), %.0f images/s, ETA %s", label, done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate, eta);
    }

    private void print() {
        out.println(line());
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
