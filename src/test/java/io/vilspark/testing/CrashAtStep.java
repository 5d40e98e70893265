package io.vilspark.testing;

import io.vilspark.train.GraphTrainingHook;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** A training hook that fails every worker task reaching {@code step}: a run that dies in the middle of an epoch. */
public final class CrashAtStep extends GraphTrainingHook {
    private static final long serialVersionUID = 1L;
    public static final String MESSAGE = "simulated worker crash";
    private final int step;

    public CrashAtStep(int step) {
        this.step = step;
    }

    @Override
    protected void before(ComputationGraph graph, MultiDataSet minibatch) {
        int at = graph.getConfiguration().getIterationCount();
        if (at >= step) {
            throw new IllegalStateException(MESSAGE + " at step " + at);
        }
    }
}
