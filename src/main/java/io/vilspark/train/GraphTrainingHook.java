package io.vilspark.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A DL4J training hook for ComputationGraph workers, which ViL's are: dl4j-spark calls the MultiDataSet
 * variants around every minibatch (it converts DataSets first); the DataSet variants belong to
 * MultiLayerNetwork workers and are refused. Subclasses override {@link #before} and {@link #after}.
 */
public abstract class GraphTrainingHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    /** On the worker, before {@code graph} fits a minibatch. */
    protected void before(ComputationGraph graph) {
    }

    /** On the worker, after {@code graph} fitted a minibatch (parameters and counters updated). */
    protected void after(ComputationGraph graph) {
    }

    @Override
    public final void preUpdate(MultiDataSet minibatch, Model model) {
        before((ComputationGraph) model);
    }

    @Override
    public final void postUpdate(MultiDataSet minibatch, Model model) {
        after((ComputationGraph) model);
    }

    @Override
    public final void preUpdate(DataSet minibatch, Model model) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is for ComputationGraph workers");
    }

    @Override
    public final void postUpdate(DataSet minibatch, Model model) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is for ComputationGraph workers");
    }
}
