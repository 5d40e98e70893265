package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/** The network learns: a few Adam steps on a learnable problem cut the loss by more than half. */
class ViLTrainingSmokeTest {

    /** Class = which quadrant of the image is bright, plus noise. */
    private static DataSet quadrants(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.randn(DataType.FLOAT, n, 1, 8, 8).muli(0.3);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 4);
        for (int i = 0; i < n; i++) {
            int cls = i % 4;
            int r = (cls / 2) * 4;
            int col = (cls % 2) * 4;
            images.get(NDArrayIndex.point(i), NDArrayIndex.point(0), NDArrayIndex.interval(r, r + 4),
                    NDArrayIndex.interval(col, col + 4)).addi(1.5);
            labels.putScalar(i, cls, 1);
        }
        return new DataSet(images, labels);
    }

    @Test
    void lossFallsOnALearnableProblem() {
        ViLConfig config = ViLConfig.builder().dim(16).depth(1).patchSize(2).inputShape(1, 8, 8).numClasses(4).build();
        ComputationGraph graph = new ComputationGraph(ViLGraph.configuration(config, 7, DataType.FLOAT, new Adam(3e-3)));
        graph.init();
        DataSet data = quadrants(32, 3);
        double initial = graph.score(data);
        for (int step = 0; step < 40; step++) {
            graph.fit(data);
        }
        double last = graph.score(data);
        assertTrue(Double.isFinite(last) && last < 0.5 * initial,
                "loss went from " + initial + " to " + last + " in 40 steps");
    }
}
