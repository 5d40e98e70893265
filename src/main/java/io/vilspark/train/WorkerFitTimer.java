package io.vilspark.train;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A training hook that measures, on the workers, the time each minibatch's {@code fit} takes (forward,
 * backward, gradient clipping, optimizer step) and reports it to the driver through a Spark accumulator,
 * tagged with the Spark stage (one averaging round) and the partition (one worker).
 *
 * <p>Why not DL4J's {@code collectTrainingStats}: its timestamps come from an NTP time source that asks a
 * public time server unless a system property is set on every executor.
 */
public final class WorkerFitTimer extends GraphTrainingHook {
    private static final long serialVersionUID = 1L;

    /** Time one worker spent in one minibatch's fit. */
    public record Fit(int stage, int partition, long nanos) implements Serializable {
    }

    private final CollectionAccumulator<Fit> sink;
    // each task deserialises its own copy of the hook, and calls it from its one thread
    private transient long started;

    /** @param sink a registered accumulator ({@code sparkContext.collectionAccumulator(name)}) */
    public WorkerFitTimer(CollectionAccumulator<Fit> sink) {
        this.sink = sink;
    }

    /**
     * What the workers reported over some averaging rounds.
     *
     * @param rounds        averaging rounds (Spark stages) in which workers trained
     * @param fewestWorkers the fewest workers that trained in one round
     * @param fitSeconds    the time the driver waited for fitting: per round the slowest worker's sum (the
     *                      round ends when that worker does), summed over the rounds
     */
    public record Summary(int rounds, int fewestWorkers, double fitSeconds) {
        public static Summary of(List<Fit> fits) {
            Map<Integer, Map<Integer, Long>> perRound = new TreeMap<>();
            for (Fit f : fits) {
                perRound.computeIfAbsent(f.stage(), s -> new TreeMap<>()).merge(f.partition(), f.nanos(), Long::sum);
            }
            long nanos = 0;
            int fewest = Integer.MAX_VALUE;
            for (Map<Integer, Long> workers : perRound.values()) {
                nanos += Collections.max(workers.values());
                fewest = Math.min(fewest, workers.size());
            }
            return new Summary(perRound.size(), perRound.isEmpty() ? 0 : fewest, nanos / 1e9);
        }
    }

    @Override
    protected void before(ComputationGraph graph, MultiDataSet minibatch) {
        started = System.nanoTime();
    }

    @Override
    protected void after(ComputationGraph graph, MultiDataSet minibatch) {
        long nanos = System.nanoTime() - started;
        TaskContext task = TaskContext.get();
        sink.add(new Fit(task.stageId(), task.partitionId(), nanos));
    }
}
