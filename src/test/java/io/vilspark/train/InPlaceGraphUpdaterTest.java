package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vilspark.testing.TinyVil;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class InPlaceGraphUpdaterTest {
    private static ComputationGraph graph() {
        ComputationGraph graph = new ComputationGraph(TrainingGraph.configuration(TinyVil.MODEL, TinyVil.recipe(), 10, 42));
        graph.init();
        return graph;
    }

    /** Parameters and Adam state after some steps are DL4J's own, bit for bit (weight decay on weights included). */
    @Test
    void trainsExactlyAsDl4jsUpdater() {
        ComputationGraph plain = graph();
        ComputationGraph inPlace = graph();
        InPlaceGraphUpdater.install(inPlace);
        assertInstanceOf(InPlaceGraphUpdater.class, inPlace.getUpdater());
        for (int step = 0; step < 4; step++) {
            DataSet data = TinyVil.batch(6, step);
            plain.fit(data);
            inPlace.fit(data);
        }
        assertEquals(plain.params(), inPlace.params());
        assertEquals(plain.getUpdater().getStateViewArray(), inPlace.getUpdater().getStateViewArray());
        assertFalse(plain.params().equalsWithEps(graph().params(), 1e-6), "training moved the parameters");
    }

    /**
     * DL4J takes a gradient for the network's own when its flat array is the updater's very object;
     * the network's gradient is handed over that way, anything else is left as it is.
     */
    @Test
    void handsTheNetworksOwnGradientOverAsTheUpdatersArray() {
        ComputationGraph graph = graph();
        InPlaceGraphUpdater.install(graph);
        graph.fit(TinyVil.batch(6, 1));
        InPlaceGraphUpdater updater = (InPlaceGraphUpdater) graph.getUpdater();
        Gradient own = graph.gradient();
        assertNotSame(updater.getFlattenedGradientsView(), own.gradient(), "DL4J's gradient() is a fresh view");

        Gradient handedOver = updater.handOver(own);
        assertSame(updater.getFlattenedGradientsView(), handedOver.gradient());
        assertEquals(own.gradientForVariable(), handedOver.gradientForVariable());

        Gradient foreign = new DefaultGradient(own.gradient().dup());
        assertSame(foreign, updater.handOver(foreign));
    }

    /** Installing keeps the updater state a network already has (a Spark worker's comes from the driver). */
    @Test
    void installKeepsTheUpdaterState() {
        ComputationGraph graph = graph();
        graph.fit(TinyVil.batch(6, 1));
        INDArray state = graph.getUpdater().getStateViewArray().dup();
        InPlaceGraphUpdater.install(graph);
        assertEquals(state, graph.getUpdater().getStateViewArray());
        InPlaceGraphUpdater installed = (InPlaceGraphUpdater) graph.getUpdater();
        InPlaceGraphUpdater.install(graph);
        assertSame(installed, graph.getUpdater(), "a second install changes nothing");
    }

    @Test
    void sameMemoryMeansTheSameElementsOfTheSameBuffer() {
        INDArray row = Nd4j.create(DataType.FLOAT, 1, 20);
        assertTrue(InPlaceGraphUpdater.sameMemory(row, row.reshape(20)));
        assertTrue(InPlaceGraphUpdater.sameMemory(row.reshape(20).get(NDArrayIndex.interval(5, 10)),
                row.reshape(20).get(NDArrayIndex.interval(5, 10))));
        assertFalse(InPlaceGraphUpdater.sameMemory(row.reshape(20), row.reshape(20).get(NDArrayIndex.interval(0, 10))));
        assertFalse(InPlaceGraphUpdater.sameMemory(row.reshape(20).get(NDArrayIndex.interval(0, 10)),
                row.reshape(20).get(NDArrayIndex.interval(10, 20))));
        assertFalse(InPlaceGraphUpdater.sameMemory(row, row.dup()));
    }
}
