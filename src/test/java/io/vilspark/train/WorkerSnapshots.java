package io.vilspark.train;

import java.io.Serializable;

import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A DL4J training hook that reports each worker's model back to the driver: parameters and updater
 * state before and after every minibatch, tagged with the Spark stage (one averaging round) and
 * partition (one worker). It travels to the executors inside the training master's worker, and
 * reports through a Spark accumulator, so it works on a cluster as well as in local mode.
 */
final class WorkerSnapshots implements TrainingHook {
    private static final long serialVersionUID = 1L;

    /** One worker's model at one moment: {@code after} = after the minibatch that {@code iteration} counts to. */
    record Snapshot(int stage, int partition, int iteration, boolean after, float[] params, float[] updater)
            implements Serializable {
    }

    private final CollectionAccumulator<Snapshot> sink;

    /** @param sink a registered accumulator ({@code sparkContext.collectionAccumulator(name)}) */
    WorkerSnapshots(CollectionAccumulator<Snapshot> sink) {
        this.sink = sink;
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        record(model, false);
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        record(model, true);
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        record(model, false);
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        record(model, true);
    }

    private void record(Model model, boolean after) {
        ComputationGraph graph = (ComputationGraph) model;
        TaskContext task = TaskContext.get();
        INDArray updater = graph.getUpdater().getStateViewArray();
        sink.add(new Snapshot(task.stageId(), task.partitionId(), graph.getConfiguration().getIterationCount(), after,
                graph.params().dup().data().asFloat(), updater == null ? new float[0] : updater.dup().data().asFloat()));
    }
}
