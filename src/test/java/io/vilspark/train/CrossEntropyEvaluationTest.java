package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CrossEntropyEvaluationTest {
    private static final INDArray PROBABILITIES = Nd4j.createFromArray(new float[][] {
            {0.7f, 0.2f, 0.1f}, {0.25f, 0.25f, 0.5f}, {0.05f, 0.9f, 0.05f}, {0.6f, 0.3f, 0.1f}});
    /** One-hot rows and a soft (mixup-like) one. */
    private static final INDArray LABELS = Nd4j.createFromArray(new float[][] {
            {1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0.5f, 0.5f, 0}});

    private static double expectedMeanLoss() {
        return (-Math.log(0.7) - Math.log(0.25) - Math.log(0.9) - 0.5 * Math.log(0.6) - 0.5 * Math.log(0.3)) / 4;
    }

    @Test
    void meanCrossEntropyOfSoftAndHardLabels() {
        CrossEntropyEvaluation e = new CrossEntropyEvaluation();
        e.eval(LABELS, PROBABILITIES);
        assertEquals(expectedMeanLoss(), e.meanLoss(), 1e-6);
        assertEquals(4, e.count());
    }

    @Test
    void partsMergedAfterSerialisationGiveTheWhole() throws Exception {
        CrossEntropyEvaluation first = new CrossEntropyEvaluation();
        first.eval(LABELS.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1), org.nd4j.linalg.indexing.NDArrayIndex.all()),
                PROBABILITIES.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        CrossEntropyEvaluation rest = new CrossEntropyEvaluation();
        rest.eval(LABELS.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4), org.nd4j.linalg.indexing.NDArrayIndex.all()),
                PROBABILITIES.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        // Spark ships evaluations between executors and the driver by Java serialisation
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(rest);
        }
        CrossEntropyEvaluation shipped;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (CrossEntropyEvaluation) in.readObject();
        }
        first.merge(shipped);
        assertEquals(expectedMeanLoss(), first.meanLoss(), 1e-6);
        first.reset();
        assertTrue(Double.isNaN(first.meanLoss()));
    }

    @Test
    void aZeroProbabilityCountsAsTheFloor() {
        CrossEntropyEvaluation e = new CrossEntropyEvaluation();
        e.eval(Nd4j.createFromArray(new float[][] {{0, 1}}), Nd4j.createFromArray(new float[][] {{1, 0}}));
        assertEquals(-Math.log(CrossEntropyEvaluation.FLOOR), e.meanLoss(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> e.eval(Nd4j.ones(DataType.FLOAT, 2, 3), Nd4j.ones(DataType.FLOAT, 2, 2)));
    }

    /** On a ViL network's own outputs it equals the network's loss (what validation reported before). */
    @Test
    void equalsTheNetworksMeanLoss() {
        io.vilspark.model.ViLConfig config = io.vilspark.model.ViLConfig.builder().dim(16).depth(1).patchSize(2)
                .inputShape(1, 8, 8).numClasses(4).build();
        org.deeplearning4j.nn.graph.ComputationGraph graph = new org.deeplearning4j.nn.graph.ComputationGraph(
                io.vilspark.model.ViLGraph.configuration(config, 7, DataType.FLOAT, new org.nd4j.linalg.learning.config.Adam(1e-3)));
        graph.init();
        INDArray images = Nd4j.linspace(-2.0, 2.0, 12 * 64, DataType.FLOAT).reshape(12, 1, 8, 8);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 12, 4);
        for (int i = 0; i < 12; i++) {
            labels.putScalar(i, i % 4, 1);
        }
        double networkLoss = graph.score(new org.nd4j.linalg.dataset.DataSet(images, labels));
        CrossEntropyEvaluation e = new CrossEntropyEvaluation();
        e.eval(labels, graph.outputSingle(images));
        assertEquals(networkLoss, e.meanLoss(), 1e-5 * networkLoss);
    }
}
