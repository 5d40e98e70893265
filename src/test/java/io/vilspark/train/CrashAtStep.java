package io.vilspark.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** A training hook that fails every worker task reaching {@code step}: a run that dies in the middle of an epoch. */
final class CrashAtStep implements TrainingHook {
    private static final long serialVersionUID = 1L;
    static final String MESSAGE = "simulated worker crash";
    private final int step;

    CrashAtStep(int step) {
        this.step = step;
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        int at = ((ComputationGraph) model).getConfiguration().getIterationCount();
        if (at >= step) {
            throw new IllegalStateException(MESSAGE + " at step " + at);
        }
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        throw new UnsupportedOperationException("ComputationGraph workers train on MultiDataSets");
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
