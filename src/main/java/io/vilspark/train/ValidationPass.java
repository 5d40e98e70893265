package io.vilspark.train;

import java.io.Serializable;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Top-1/top-k accuracy and mean cross-entropy of the driver's network on a validation RDD, in one pass
 * over the images: the network's state is broadcast, each executor runs its partitions through its cached
 * network ({@link WorkerNetworks}), and the per-partition evaluations are merged on the driver.
 */
final class ValidationPass {
    /** Accuracy and loss together. */
    record Result(Evaluation accuracy, CrossEntropyEvaluation loss) implements Serializable {
        Result merge(Result other) {
            accuracy.merge(other.accuracy);
            loss.merge(other.loss);
            return this;
        }
    }

    private ValidationPass() {
    }

    static Result run(JavaSparkContext spark, ComputationGraph graph, JavaRDD<DataSet> minibatches, List<String> classes,
                      int topN) {
        Broadcast<ModelState> state = spark.broadcast(ModelState.of(graph));
        try {
            return minibatches.mapPartitions(it -> {
                Result result = new Result(new Evaluation(classes, topN), new CrossEntropyEvaluation());
                if (!it.hasNext()) {
                    return List.of(result).iterator();
                }
                ModelState s = state.value();
                ComputationGraph net = WorkerNetworks.borrow(s.architecture());
                try {
                    s.loadInto(net);
                    while (it.hasNext()) {
                        DataSet batch = it.next();
                        INDArray probabilities = net.outputSingle(false, batch.getFeatures());
                        result.accuracy().eval(batch.getLabels(), probabilities);
                        result.loss().eval(batch.getLabels(), probabilities);
                    }
                } finally {
                    WorkerNetworks.giveBack(s.architecture(), net);
                }
                return List.of(result).iterator();
            }).reduce(Result::merge);
        } finally {
            state.destroy();
        }
    }
}
