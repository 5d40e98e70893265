package io.vilspark.testing;

import java.io.Serializable;

import io.vilspark.train.GraphTrainingHook;
import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training hook that reports each worker's model back to the driver: parameters and updater
 * state before and after every minibatch, tagged with the Spark stage (one averaging round) and
 * partition (one worker). It travels to the executors inside each averaging round's tasks, and
 * reports through a Spark accumulator, so it works on a cluster as well as in local mode.
 */
public final class WorkerSnapshots extends GraphTrainingHook {
    private static final long serialVersionUID = 1L;

    /**
     * One worker's model at one moment: {@code after} = after the minibatch that {@code iteration} counts to;
     * {@code updaterClass} the class of the network's updater.
     */
    public record Snapshot(int stage, int partition, int iteration, boolean after, float[] params, float[] updater,
                    String updaterClass)
            implements Serializable {
    }

    private final CollectionAccumulator<Snapshot> sink;

    /** @param sink a registered accumulator ({@code sparkContext.collectionAccumulator(name)}) */
    public WorkerSnapshots(CollectionAccumulator<Snapshot> sink) {
        this.sink = sink;
    }

    @Override
    protected void before(ComputationGraph graph, MultiDataSet minibatch) {
        record(graph, false);
    }

    @Override
    protected void after(ComputationGraph graph, MultiDataSet minibatch) {
        record(graph, true);
    }

    private void record(ComputationGraph graph, boolean after) {
        TaskContext task = TaskContext.get();
        INDArray updater = graph.getUpdater().getStateViewArray();
        sink.add(new Snapshot(task.stageId(), task.partitionId(), graph.getConfiguration().getIterationCount(), after,
                graph.params().dup().data().asFloat(), updater == null ? new float[0] : updater.dup().data().asFloat(),
                graph.getUpdater().getClass().getName()));
    }
}
