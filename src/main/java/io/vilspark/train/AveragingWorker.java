package io.vilspark.train;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.util.ComputationGraphUtil;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.deeplearning4j.datasets.iterator.AsyncMultiDataSetIterator;
import org.deeplearning4j.datasets.iterator.IteratorMultiDataSetIterator;

/**
 * One worker's part of an averaging round, run by Spark on the executor that holds the partition:
 * the JVM's cached network takes the broadcast state, trains the worker's share of the round's
 * minibatches ({@link RoundPlan}), and hands back its parameters, updater state and loss as
 * {@link RoundSums}. A task that Spark reruns (a lost executor) starts again from the broadcast state
 * and trains the same minibatches: the reader's order is fixed by the epoch.
 */
final class AveragingWorker implements Function2<Integer, Iterator<DataSet>, Iterator<RoundSums>> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<ModelState> start;
    private final RoundPlan plan;
    private final int round;
    private final int batchPerWorker;
    private final int prefetch;
    private final List<TrainingListener> listeners;
    private final List<GraphTrainingHook> hooks;

    AveragingWorker(Broadcast<ModelState> start, RoundPlan plan, int round, int batchPerWorker, int prefetch,
                    List<TrainingListener> listeners, List<GraphTrainingHook> hooks) {
        this.start = start;
        this.plan = plan;
        this.round = round;
        this.batchPerWorker = batchPerWorker;
        this.prefetch = prefetch;
        this.listeners = listeners;
        this.hooks = hooks;
    }

    @Override
    public Iterator<RoundSums> call(Integer worker, Iterator<DataSet> minibatches) {
        if (plan.from(worker, round) >= plan.to(worker, round)) {
            return Collections.emptyIterator();
        }
        ModelState state = start.value();
        ComputationGraph graph = WorkerNetworks.borrow(state.architecture());
        MultiDataSetIterator share = null;
        try {
            state.loadInto(graph);
            graph.setListeners(listeners);
            share = share(plan.share(worker, round, minibatches));
            double lossSum = 0;
            long images = 0;
            int steps = 0;
            while (share.hasNext()) {
                MultiDataSet minibatch = share.next();
                for (GraphTrainingHook hook : hooks) {
                    hook.before(graph, minibatch);
                }
                graph.fit(minibatch);
                for (GraphTrainingHook hook : hooks) {
                    hook.after(graph, minibatch);
                }
                lossSum += graph.score();
                images += minibatch.getFeatures(0).size(0);
                steps++;
            }
            return List.of(RoundSums.ofWorker(graph.params().dup(), updaterState(graph), lossSum, steps, images))
                    .iterator();
        } finally {
            if (share instanceof AsyncMultiDataSetIterator async) {
                async.shutdown(); // its loader thread, when a minibatch failed before the share was used up
            }
            WorkerNetworks.giveBack(state.architecture(), graph);
        }
    }

    /** The worker's share as DL4J's multi-input minibatches, loaded ahead by a background thread when {@code prefetch > 0}. */
    private MultiDataSetIterator share(Iterator<DataSet> minibatches) {
        Iterator<MultiDataSet> converted = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return minibatches.hasNext();
            }

            @Override
            public MultiDataSet next() {
                return ComputationGraphUtil.toMultiDataSet(minibatches.next());
            }
        };
        MultiDataSetIterator it = new IteratorMultiDataSetIterator(converted, batchPerWorker);
        return prefetch > 0 ? new AsyncMultiDataSetIterator(it, prefetch) : it;
    }

    private static INDArray updaterState(ComputationGraph graph) {
        INDArray state = graph.getUpdater().getStateViewArray();
        return state == null ? null : state.dup();
    }
}
