package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Graphs are lent only to networks that compute the same thing the same way. */
class GraphPoolTest {
    @Test
    void networksThatDifferOnlyInTheCellsFormGetGraphsOfTheirOwn() {
        ViLConfig config = ViLConfig.builder().dim(8).depth(1).patchSize(2).inputShape(1, 6, 6).numClasses(3).build();
        Nd4j.getRandom().setSeed(4);
        INDArray images = Nd4j.randn(DataType.FLOAT, 2, 1, 6, 6);
        INDArray[] outputs = new INDArray[2];
        String[] forms = {"parallel", "chunkwise"};
        for (int i = 0; i < forms.length; i++) {
            ComputationGraphConfiguration conf = ViLGraph.withCellForm(
                    ViLGraph.configuration(config, 5, DataType.FLOAT, new Adam(1e-3)), forms[i], 4);
            ComputationGraph graph = new ComputationGraph(conf);
            graph.init();
            outputs[i] = graph.outputSingle(images);
        }
        assertEquals(Set.of(MLstmForm.PARALLEL, MLstmForm.CHUNKWISE), Set.copyOf(GraphPool.keptForms(config)));
        // the same function either way
        assertEquals(0.0, outputs[0].sub(outputs[1]).amaxNumber().doubleValue(), 1e-5);
    }
}
