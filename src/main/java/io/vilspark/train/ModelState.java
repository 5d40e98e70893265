package io.vilspark.train;

import java.io.Serializable;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a round's workers start from, broadcast by the driver: the network's architecture (its
 * configuration as JSON, counters at zero, so that every round names the same architecture),
 * parameters, updater state, and the step and epoch counters the learning-rate schedule and Adam's
 * bias correction read. The arrays travel as {@link ArrayBytes}.
 */
record ModelState(String architecture, ArrayBytes params, ArrayBytes updaterState, int iteration, int epoch)
        implements Serializable {

    /** A copy of {@code graph}'s state (the driver's graph goes on changing after the broadcast). */
    static ModelState of(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        INDArray updater = graph.getUpdater().getStateViewArray();
        return new ModelState(architecture(conf), new ArrayBytes(graph.params().dup()),
                new ArrayBytes(updater == null ? null : updater.dup()), conf.getIterationCount(), conf.getEpochCount());
    }

    /** {@code graph}'s parameters and counters without its updater state (workers that only compute gradients). */
    static ModelState paramsOf(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        return new ModelState(architecture(conf), new ArrayBytes(graph.params().dup()), new ArrayBytes(null),
                conf.getIterationCount(), conf.getEpochCount());
    }

    /** The configuration's JSON with the counters at zero: the key of the workers' cached networks. */
    static String architecture(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration copy = conf.clone();
        copy.setIterationCount(0);
        copy.setEpochCount(0);
        return copy.toJson();
    }

    /** Puts this state into {@code graph}, a network of the same architecture. */
    void loadInto(ComputationGraph graph) {
        graph.setParams(params.array());
        if (updaterState.array() != null) {
            graph.getUpdater().getStateViewArray().assign(updaterState.array());
        }
        graph.getConfiguration().setIterationCount(iteration);
        graph.getConfiguration().setEpochCount(epoch);
    }
}
