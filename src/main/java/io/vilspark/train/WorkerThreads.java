package io.vilspark.train;

import io.vilspark.inference.NativeThreads;
import io.vilspark.model.BatchThreads;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Sets a cluster worker's threads before it trains: its minibatches split over the task's
 * {@code spark.task.cpus} threads, every op single-threaded ({@link NativeThreads#splitBatches}).
 * Local mode needs no hook: its workers are threads of the driver's JVM, set there.
 */
public final class WorkerThreads extends GraphTrainingHook {
    private static final long serialVersionUID = 1L;

    private final int threads;

    /** @param threads the task's cores ({@code spark.task.cpus}) */
    public WorkerThreads(int threads) {
        this.threads = threads;
    }

    @Override
    protected void before(ComputationGraph graph, MultiDataSet minibatch) {
        if (BatchThreads.get() != threads) {
            NativeThreads.splitBatches(threads);
        }
    }
}
