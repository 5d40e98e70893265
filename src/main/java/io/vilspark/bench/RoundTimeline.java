package io.vilspark.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vilspark.train.ParameterAveraging;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Where the wall time of training rounds goes, from Spark's own task metrics: registered on the driver while
 * some rounds run, it records each training job (job group {@link ParameterAveraging#JOB_GROUP}) and the task
 * metrics of its stages. Together with the workers' fit times it splits a round into the workers' fitting, the
 * rest of their tasks (loading the broadcast state, reading minibatches, copying results), Spark's task start
 * and result transfer, and the driver's work between two rounds' jobs.
 */
public final class RoundTimeline extends SparkListener {
    private final Map<Integer, long[]> jobTimes = new HashMap<>();
    private final Map<Integer, Integer> jobOfStage = new HashMap<>();
    private final List<TaskTimes> tasks = new ArrayList<>();

    /** Milliseconds of one finished task of a training job, as Spark measured them. */
    private record TaskTimes(long deserialise, long run, long wall) {
    }

    /**
     * A round's mean times in seconds.
     *
     * @param jobs        the training jobs (rounds) recorded
     * @param inJob       wall time of a round's Spark job, from its submission to its end on the driver
     * @param betweenJobs the driver's time between two rounds' jobs (dividing the sums, the next broadcast)
     * @param taskRun     a worker task's run time on its executor, its fitting included
     * @param taskStart   a worker task's deserialisation on its executor
     * @param taskOther   the rest of a task's wall time: scheduling, sending the task, serialising and
     *                    fetching its result
     */
    public record Breakdown(int jobs, double inJob, double betweenJobs, double taskRun, double taskStart,
                            double taskOther) {
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        String group = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
        if (!ParameterAveraging.JOB_GROUP.equals(group)) {
            return;
        }
        jobTimes.put(start.jobId(), new long[] {start.time(), -1});
        scala.collection.Iterator<Object> stages = start.stageIds().iterator();
        while (stages.hasNext()) {
            jobOfStage.put((Integer) stages.next(), start.jobId());
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        long[] times = jobTimes.get(end.jobId());
        if (times != null) {
            times[1] = end.time();
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        Integer job = jobOfStage.get(end.stageId());
        TaskMetrics m = end.taskMetrics();
        if (job == null || m == null) {
            return;
        }
        TaskInfo info = end.taskInfo();
        tasks.add(new TaskTimes(m.executorDeserializeTime(), m.executorRunTime(), info.finishTime() - info.launchTime()));
    }

    /** The training jobs that have ended, and the tasks of theirs seen so far. */
    public synchronized int[] seen() {
        return new int[] {(int) jobTimes.values().stream().filter(t -> t[1] >= 0).count(), tasks.size()};
    }

    /** The mean round of those recorded, given the driver's wall time over all of them. */
    public synchronized Breakdown breakdown(double wallSeconds) {
        int jobs = (int) jobTimes.values().stream().filter(t -> t[1] >= 0).count();
        if (jobs == 0 || tasks.isEmpty()) {
            return new Breakdown(0, 0, 0, 0, 0, 0);
        }
        double inJobs = jobTimes.values().stream().filter(t -> t[1] >= 0).mapToLong(t -> t[1] - t[0]).sum() / 1e3;
        double run = tasks.stream().mapToLong(TaskTimes::run).average().orElse(0) / 1e3;
        double start = tasks.stream().mapToLong(TaskTimes::deserialise).average().orElse(0) / 1e3;
        double wall = tasks.stream().mapToLong(TaskTimes::wall).average().orElse(0) / 1e3;
        return new Breakdown(jobs, inJobs / jobs, Math.max(0, wallSeconds - inJobs) / jobs, run, start,
                Math.max(0, wall - run - start));
    }
}
