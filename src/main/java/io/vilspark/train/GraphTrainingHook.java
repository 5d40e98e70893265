package io.vilspark.train;

import java.io.Serializable;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Code that runs on the workers around every minibatch they train (measurements, thread settings,
 * tests that look at the workers' models). Serializable: it travels to the executors inside each
 * averaging round's tasks. Subclasses override {@link #before} and {@link #after}.
 */
public abstract class GraphTrainingHook implements Serializable {
    private static final long serialVersionUID = 1L;

    /** On the worker, before {@code graph} fits {@code minibatch} (or computes its gradient, when gradients are synchronised). */
    protected void before(ComputationGraph graph, MultiDataSet minibatch) {
    }

    /**
     * On the worker, after {@code graph} fitted {@code minibatch} (parameters and step counter updated), or,
     * when gradients are synchronised, after it computed the minibatch's gradient (the driver updates).
     */
    protected void after(ComputationGraph graph, MultiDataSet minibatch) {
    }
}
