package io.vilspark.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.core.storage.StatsStorageRouterProvider;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * DL4J's parameter averaging, with workers that train every minibatch of their round and keep the
 * driver's step and epoch counters.
 *
 * <p>Why, twice over:
 * <ul>
 * <li>dl4j-spark's worker rebuilds its network from {@code ComputationGraphConfiguration.clone()},
 *     which drops both counters, so without help every averaging round would train at step 0, 1, ...
 *     {@code averaging_frequency - 1}: the learning-rate schedule (warm-up, cosine) would never move
 *     past its first steps and Adam's bias correction would restart every round. Each round's workers
 *     get a hook, first in line, that sets their counters to the driver's before their first minibatch.</li>
 * <li>DL4J rounds the number of averaging rounds down ({@code SparkUtils.balancedRandomSplit}), so some
 *     rounds hand a worker more than {@code averaging_frequency} minibatches, and its worker stops at
 *     {@code averaging_frequency}: the rest of the round's data is silently left out of the epoch (about
 *     1% of Fashion-MNIST per epoch in the demo). Here a worker trains all of its round's minibatches, and
 *     the driver's step follows the steps the workers really took (DL4J adds a nominal
 *     {@code averaging_frequency} per round), reported by another hook.</li>
 * </ul>
 */
final class StepKeepingTrainingMaster extends ParameterAveragingTrainingMaster {
    /** Steps the workers reached, one entry per minibatch, since the driver last took them in. */
    private transient CollectionAccumulator<Integer> workerSteps;

    StepKeepingTrainingMaster(Builder builder) {
        super(builder);
    }

    @Override
    public void executeTrainingMDS(SparkComputationGraph graph, JavaRDD<MultiDataSet> trainingData) {
        // DL4J persists the minibatches (train.data_cache) and leaves them cached; a caller's own cache (e.g.
        // the averaging benchmark's) is left as it is: Spark refuses a second storage level
        boolean cachedByCaller = !trainingData.getStorageLevel().equals(StorageLevel.NONE());
        StorageLevel level = storageLevel;
        if (cachedByCaller) {
            storageLevel = null;
        }
        try {
            super.executeTrainingMDS(graph, trainingData);
        } finally {
            storageLevel = level;
            if (!cachedByCaller) {
                trainingData.unpersist(false);
            }
        }
        takeWorkerSteps(graph.getNetwork().getConfiguration());
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        if (workerSteps == null) {
            workerSteps = graph.getSparkContext().sc().collectionAccumulator("vil worker steps");
        }
        ComputationGraphConfiguration conf = graph.getNetwork().getConfiguration();
        takeWorkerSteps(conf);

        List<TrainingHook> roundHooks = new ArrayList<>();
        roundHooks.add(new StartAtDriverStep(conf.getIterationCount(), conf.getEpochCount()));
        roundHooks.add(new ReportStep(workerSteps));
        if (trainingHookList != null) {
            roundHooks.addAll(trainingHookList);
        }
        NetBroadcastTuple tuple = new NetBroadcastTuple(conf, graph.getNetwork().params(),
                graph.getNetwork().getUpdater().getStateViewArray());
        Broadcast<NetBroadcastTuple> broadcast = graph.getSparkContext().broadcast(tuple);
        // as DL4J's own worker, except for the cap on minibatches per round: 0 = none
        WorkerConfiguration configuration = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker,
                0, prefetchNumBatches, collectTrainingStats);
        return new InPlaceUpdaterWorker(broadcast, saveUpdater, configuration, roundHooks, listeners,
                getRouterProvider());
    }

    /** DL4J's worker, whose network updates its parameters with an {@link InPlaceGraphUpdater}. */
    static final class InPlaceUpdaterWorker extends ParameterAveragingTrainingWorker {
        InPlaceUpdaterWorker(Broadcast<NetBroadcastTuple> broadcast, boolean saveUpdater, WorkerConfiguration configuration,
                             Collection<TrainingHook> trainingHooks, Collection<TrainingListener> listeners,
                             StatsStorageRouterProvider routerProvider) {
            super(broadcast, saveUpdater, configuration, trainingHooks, listeners, routerProvider);
        }

        @Override
        public ComputationGraph getInitialModelGraph() {
            ComputationGraph graph = super.getInitialModelGraph();
            InPlaceGraphUpdater.install(graph);
            return graph;
        }
    }

    /** Sets the driver's step to the furthest step a worker reached in the rounds since the last call. */
    private void takeWorkerSteps(ComputationGraphConfiguration conf) {
        if (workerSteps == null) {
            return;
        }
        List<Integer> reached = workerSteps.value();
        if (!reached.isEmpty()) {
            conf.setIterationCount(reached.stream().mapToInt(Integer::intValue).max().getAsInt());
            workerSteps.reset();
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

    /** Tells the driver the step a worker reached after each minibatch. */
    static final class ReportStep extends GraphTrainingHook {
        private static final long serialVersionUID = 1L;
        private final CollectionAccumulator<Integer> steps;

        ReportStep(CollectionAccumulator<Integer> steps) {
            this.steps = steps;
        }

        @Override
        protected void after(ComputationGraph graph) {
            steps.add(graph.getConfiguration().getIterationCount());
        }
    }
}
