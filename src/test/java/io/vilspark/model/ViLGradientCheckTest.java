package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** DL4J's numerical gradient check, in double precision, on tiny ViL networks. */
class ViLGradientCheckTest {
    private static DataType previousDefault;

    @BeforeAll
    static void doublePrecision() {
        previousDefault = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previousDefault, previousDefault);
    }

    /** A non-square grid (2x3 patches), every kind of parameter present. */
    private static ViLConfig.Builder tiny() {
        return ViLConfig.builder().dim(4).depth(1).patchSize(2).inputShape(1, 4, 6).numClasses(3);
    }

    private static ComputationGraph network(ViLConfig config, long seed, String form, int chunkSize) {
        ComputationGraph net = new ComputationGraph(ViLGraph.withCellForm(
                ViLGraph.configuration(config, seed, DataType.DOUBLE, new NoOp()), form, chunkSize));
        net.init();
        // move every parameter off its special initial value (zeros, ones) so that all paths matter
        Nd4j.getRandom().setSeed(seed);
        net.params().addi(Nd4j.randn(DataType.DOUBLE, net.params().shape()).muli(0.3));
        return net;
    }

    private static boolean check(ViLConfig config, long seed) {
        return check(config, seed, false, "auto", ViLNetworkLayer.DEFAULT_CHUNK_SIZE);
    }

    /** Checks up to 4 entries of every parameter array (all of a layer's parameters take part). */
    private static boolean check(ViLConfig config, long seed, boolean stopAtFirstError, String form, int chunkSize) {
        ComputationGraph net = network(config, seed, form, chunkSize);
        Nd4j.getRandom().setSeed(seed + 1);
        INDArray images = Nd4j.randn(DataType.DOUBLE, 2, config.channels(), config.height(), config.width());
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 2, config.numClasses());
        labels.putScalar(0, 1, 1.0);
        labels.putScalar(1, 2, 1.0);
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net(net).inputs(new INDArray[] {images}).labels(new INDArray[] {labels})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                .subset(true).maxPerParam(4).exitOnFirstError(stopAtFirstError)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    @Test
    void flattenPoolingWithBiases() {
        assertTrue(check(tiny().build(), 11));
    }

    @Test
    void averagePoolingLegacyNormNoBiasesRgb() {
        ViLConfig config = tiny().pooling(Pooling.BILATERAL_AVG).legacyNorm(true)
                .projBias(false).normBias(false).inputShape(3, 4, 4).build();
        assertTrue(check(config, 12));
    }

    /** The chunkwise cell forced, chunks of 4 over 6 patches: two chunks, the last one padded. */
    @Test
    void chunkwiseForm() {
        assertTrue(check(tiny().build(), 13, false, "chunkwise", 4));
    }

    /** Chunks of 2 over 3x4 patches: six chunks, states passed on several times, no padding. */
    @Test
    void chunkwiseFormManyChunks() {
        assertTrue(check(tiny().inputShape(1, 6, 8).build(), 14, false, "chunkwise", 2));
    }
}
