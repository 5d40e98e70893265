package io.vilspark.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;

/**
 * DL4J's parameter averaging, with workers that continue the driver's step and epoch counters.
 *
 * <p>Why: dl4j-spark's worker rebuilds its network from {@code ComputationGraphConfiguration.clone()},
 * which drops both counters, so without this every averaging round would train at step 0, 1, ...
 * {@code averaging_frequency - 1}: the learning-rate schedule (warm-up, cosine) would never move past
 * its first steps and Adam's bias correction would restart every round. Each round's workers get a
 * hook, first in line, that sets their counters to the driver's before their first minibatch.
 */
final class StepKeepingTrainingMaster extends ParameterAveragingTrainingMaster {

    StepKeepingTrainingMaster(Builder builder) {
        super(builder);
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getNetwork().getConfiguration();
        // the parent hands its hook list to the worker as it is: give this round a list of its own
        Collection<TrainingHook> userHooks = trainingHookList;
        List<TrainingHook> roundHooks = new ArrayList<>();
        roundHooks.add(new StartAtDriverStep(conf.getIterationCount(), conf.getEpochCount()));
        if (userHooks != null) {
            roundHooks.addAll(userHooks);
        }
        trainingHookList = roundHooks;
        try {
            return super.getWorkerInstance(graph);
        } finally {
            trainingHookList = userHooks;
        }
    }

    /** Moves a worker's fresh network to the driver's step and epoch; later minibatches count on from there. */
    static final class StartAtDriverStep extends GraphTrainingHook {
        private static final long serialVersionUID = 1L;
        private final int iteration;
        private final int epoch;

        StartAtDriverStep(int iteration, int epoch) {
            this.iteration = iteration;
            this.epoch = epoch;
        }

        @Override
        protected void before(ComputationGraph graph) {
            ComputationGraphConfiguration conf = graph.getConfiguration();
            // only ever forward: after the first minibatch the worker's own count is ahead
            if (conf.getIterationCount() < iteration) {
                conf.setIterationCount(iteration);
            }
            if (conf.getEpochCount() < epoch) {
                conf.setEpochCount(epoch);
            }
        }
    }
}
