package io.vilspark.model;

import static io.vilspark.testing.ReferenceCase.assertClose;

import java.util.List;
import java.util.Map;

import io.vilspark.testing.ReferenceCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The depthwise conv's two forms against a direct loop and each other: output and gradients, both directions. */
class DepthwiseConvTest {
    /** A model past the dense form's longest sequence (17 x 17 = 289 patches) trains a step: the native form is built into the network. */
    @org.junit.jupiter.api.Test
    void aNetworkOverMorePatchesThanTheDenseFormTakesTrainsAStep() {
        ViLConfig config = ViLConfig.builder().dim(8).depth(1).patchSize(1).inputShape(1, 17, 17).numClasses(3).build();
        org.junit.jupiter.api.Assertions.assertTrue(config.gridH() * config.gridW() > DepthwiseConv.DENSE_MAX_SEQUENCE);
        org.deeplearning4j.nn.graph.ComputationGraph graph = new org.deeplearning4j.nn.graph.ComputationGraph(
                ViLGraph.configuration(config, 3, DataType.FLOAT, new org.nd4j.linalg.learning.config.Adam(1e-2)));
        graph.init();
        Nd4j.getRandom().setSeed(3);
        INDArray images = Nd4j.randn(DataType.FLOAT, 2, 1, 17, 17);
        INDArray labels = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 0, 1}});
        INDArray before = graph.params().dup();
        graph.fit(new org.nd4j.linalg.dataset.DataSet(images, labels));
        org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(graph.score()), "loss " + graph.score());
        org.junit.jupiter.api.Assertions.assertNotEquals(0.0, graph.params().sub(before).amaxNumber().doubleValue());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {2, 3}, graph.outputSingle(images).shape());
    }

    /** Both forms on the same grid, in float32 (the native form's oneDNN kernel is for float32). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nativeFormEqualsDenseForm(boolean reverse) {
        int channels = 5;
        int batch = 2;
        int gridH = 3;
        int gridW = 4;
        Nd4j.getRandom().setSeed(reverse ? 7 : 8);
        INDArray x = Nd4j.randn(DataType.FLOAT, channels, (long) batch * gridH * gridW);
        INDArray w = Nd4j.randn(DataType.FLOAT, channels, 1, 3, 3);
        INDArray b = Nd4j.randn(DataType.FLOAT, channels);
        INDArray r = Nd4j.randn(DataType.FLOAT, channels, (long) batch * gridH * gridW);
        Map<String, INDArray>[] grads = new Map[2];
        INDArray[] outputs = new INDArray[2];
        int denseMax = DepthwiseConv.DENSE_MAX_SEQUENCE;
        try {
            for (int form = 0; form < 2; form++) {
                // form 0: dense (12 patches fit), form 1: native (no sequence is short enough)
                DepthwiseConv.DENSE_MAX_SEQUENCE = form == 0 ? gridH * gridW : 0;
                SameDiff sd = SameDiff.create();
                SDVariable y = DepthwiseConv.define(sd, sd.var("x", x.dup()), sd.var("w", w.dup()), sd.var("b", b.dup()),
                        gridH, gridW, reverse, ElementwiseKernels.ND4J);
                sd.setLossVariables(y.mul(sd.constant(r)).sum());
                outputs[form] = y.eval();
                grads[form] = sd.calculateGradients(Map.of(), List.of("x", "w", "b"));
            }
        } finally {
            DepthwiseConv.DENSE_MAX_SEQUENCE = denseMax;
        }
        assertClose("output", outputs[0], outputs[1], 1e-5);
        for (String name : List.of("x", "w", "b")) {
            assertClose("grad " + name, grads[0].get(name), grads[1].get(name), 1e-5);
        }
    }

    /** The dense form against a direct loop over the grid (zero padding, the kernel rotated in reverse). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void denseFormIsTheConvolution(boolean reverse) {
        int channels = 3;
        int gridH = 3;
        int gridW = 4;
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, channels, (long) gridH * gridW);
        INDArray w = Nd4j.randn(DataType.DOUBLE, channels, 1, 3, 3);
        INDArray b = Nd4j.randn(DataType.DOUBLE, channels);
        SameDiff sd = SameDiff.create();
        INDArray y = DepthwiseConv.define(sd, sd.constant(x), sd.constant(w), sd.constant(b), gridH, gridW, reverse, ElementwiseKernels.ND4J).eval();
        INDArray expected = Nd4j.create(DataType.DOUBLE, channels, (long) gridH * gridW);
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < gridH; i++) {
                for (int j = 0; j < gridW; j++) {
                    double sum = b.getDouble(c);
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            int ni = i + dy - 1;
                            int nj = j + dx - 1;
                            if (ni >= 0 && ni < gridH && nj >= 0 && nj < gridW) {
                                // reverse: the flipped sequence's conv, flipped back = the rotated kernel
                                double tap = reverse ? w.getDouble(c, 0, 2 - dy, 2 - dx) : w.getDouble(c, 0, dy, dx);
                                sum += tap * x.getDouble(c, ni * gridW + nj);
                            }
                        }
                    }
                    expected.putScalar(c, i * gridW + j, sum);
                }
            }
        }
        assertClose("conv", expected, y, 1e-12);
    }
}
