package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A minibatch split over threads ({@link BatchThreads}) computes what the whole minibatch does:
 * loss, parameter gradients, outputs and named activations, and the parameters after Adam steps,
 * to float32 rounding (relative to the largest value); also for parts of unequal size and with
 * drop path drawn once for the whole minibatch; also when a minibatch trains in waves of a few images per
 * pass.
 */
class BatchSplitTest {
    private static final ViLConfig CONFIG = ViLConfig.builder().dim(16).depth(2).patchSize(2).inputShape(1, 8, 8)
            .numClasses(5).dropPathRate(0.0).build();

    @AfterEach
    void wholeMinibatchesAgain() {
        BatchThreads.set(1);
        BatchThreads.setMaxImagesPerTrainingPass(0);
    }

    private static ComputationGraph network(ViLConfig config) {
        ComputationGraph graph = new ComputationGraph(ViLGraph.configuration(config, 11, DataType.FLOAT, new Adam(1e-2)));
        graph.init();
        return graph;
    }

    private static DataSet data(int rows, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.randn(DataType.FLOAT, rows, 1, 8, 8);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, 5);
        for (int i = 0; i < rows; i++) {
            labels.putScalar(i, (i * 7) % 5, 1.0);
        }
        return new DataSet(images, labels);
    }

    private record Pass(double score, INDArray gradient, INDArray probabilities) {
    }

    private static Pass pass(ComputationGraph graph, DataSet data, int threads) {
        BatchThreads.set(threads);
        graph.setInputs(data.getFeatures());
        graph.setLabels(data.getLabels());
        graph.computeGradientAndScore();
        INDArray gradient = graph.gradient().gradient().dup();
        double score = graph.score();
        INDArray probabilities = graph.outputSingle(data.getFeatures()).dup();
        return new Pass(score, gradient, probabilities);
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= relative * scale, what + ": max |diff| " + diff + " > " + relative + " x max |expected| " + scale);
    }

    @Test
    void splitGradientsAndOutputsEqualTheWholeMinibatch() {
        ComputationGraph graph = network(CONFIG);
        DataSet data = data(23, 5);   // 23 rows: parts of 11 and 12, of 7, 8 and 8
        Pass whole = pass(graph, data, 1);
        for (int threads : new int[] {2, 3}) {
            Pass split = pass(graph, data, threads);
            assertEquals(whole.score(), split.score(), 1e-5 * Math.abs(whole.score()), threads + " threads: score");
            assertClose(whole.gradient(), split.gradient(), 1e-5, threads + " threads: gradient");
            assertClose(whole.probabilities(), split.probabilities(), 1e-6, threads + " threads: probabilities");
        }
        assertTrue(whole.gradient().amaxNumber().doubleValue() > 0, "a gradient to compare");
    }

    @Test
    void trainingInWavesOfFewImagesPerPassGivesTheWholeMinibatchsGradient() {
        ComputationGraph graph = network(CONFIG);
        DataSet data = data(23, 6);
        Pass whole = pass(graph, data, 1);
        BatchThreads.setMaxImagesPerTrainingPass(3);
        BatchThreads.set(2);
        assertEquals(4, BatchThreads.trainingWaves(23, 3), "waves of at most 2 x 3 images");
        Pass waves = pass(graph, data, 2);
        assertEquals(whole.score(), waves.score(), 1e-5 * Math.abs(whole.score()), "score");
        assertClose(whole.gradient(), waves.gradient(), 1e-5, "gradient");
        assertTrue(whole.gradient().amaxNumber().doubleValue() > 0, "a gradient to compare");
    }

    @Test
    void aTrainingPassTakesAFewImagesOfALargeModelAndTheDemosWholeMinibatch() {
        BatchThreads.set(2);
        assertEquals(4, BatchThreads.imagesPerTrainingPass(io.vilspark.config.ModelConfigs.resolve("vil2-tiny", java.util.List.of())));
        assertEquals(2, BatchThreads.imagesPerTrainingPass(io.vilspark.config.ModelConfigs.resolve("vil2-small", java.util.List.of())));
        assertEquals(1, BatchThreads.imagesPerTrainingPass(io.vilspark.config.ModelConfigs.resolve("vil2-base", java.util.List.of())));
        int demo = BatchThreads.imagesPerTrainingPass(io.vilspark.config.ModelConfigs.resolve("demo", java.util.List.of()));
        assertEquals(1, BatchThreads.trainingWaves(128, demo), "the demo's minibatch of 128 in one wave");
        assertEquals(4, BatchThreads.trainingWaves(32, 4), "ViL-T's minibatch of 32 in four waves of 2 x 4");
        assertEquals(2, BatchThreads.trainingPartsFor(5, 3), "no part above 3 images");
        assertEquals(1, BatchThreads.trainingPartsFor(3, 3));
    }

    @Test
    void splitNamedActivationsEqualTheWholeMinibatch() {
        ViLModel model = ViLModel.create(CONFIG, 3);
        INDArray images = data(10, 9).getFeatures();
        Map<String, INDArray> whole = model.activations(images);
        BatchThreads.set(2);
        Map<String, INDArray> split = model.activations(images);
        for (String name : whole.keySet()) {
            assertEquals(Arrays.toString(whole.get(name).shape()), Arrays.toString(split.get(name).shape()), name);
            assertClose(whole.get(name), split.get(name), 1e-6, name);
        }
    }

    @Test
    void trainingStepsWithSplitMinibatchesFollowTheWholeOnes() {
        DataSet data = data(16, 2);
        ComputationGraph whole = network(CONFIG);
        ComputationGraph split = network(CONFIG);
        INDArray start = whole.params().dup();
        for (int step = 0; step < 5; step++) {
            BatchThreads.set(1);
            whole.fit(data);
            BatchThreads.set(2);
            split.fit(data);
        }
        assertNotEquals(0.0, whole.params().sub(start).amaxNumber().doubleValue(), "the steps changed the parameters");
        assertClose(whole.params(), split.params(), 1e-4, "parameters after 5 Adam steps");
    }

    @Test
    void dropPathIsDrawnForTheWholeMinibatchAndSplitWithIt() {
        ViLConfig withDropPath = ViLConfig.builder().dim(16).depth(2).patchSize(2).inputShape(1, 8, 8).numClasses(5)
                .dropPathRate(0.5).build();
        ComputationGraph graph = network(withDropPath);
        DataSet data = data(12, 4);
        Nd4j.getRandom().setSeed(42);
        Pass whole = pass(graph, data, 1);
        Nd4j.getRandom().setSeed(42);
        Pass split = pass(graph, data, 2);
        assertEquals(whole.score(), split.score(), 1e-5 * Math.abs(whole.score()), "score with the same drop-path draw");
        assertClose(whole.gradient(), split.gradient(), 1e-5, "gradient with the same drop-path draw");
    }

    @Test
    void aMinibatchWithoutImagesContributesAZeroGradientAndNoError() {
        for (INDArray images : new INDArray[] {Nd4j.empty(DataType.FLOAT), Nd4j.create(DataType.FLOAT, 0, 1, 8, 8)}) {
            assertZeroGradientAndScore(images);
        }
    }

    @Test
    void anArrayThatIsNoBatchOfImagesIsRefusedByName() {
        ComputationGraph graph = network(CONFIG);
        graph.initGradientsView();
        ViLNetwork layer = (ViLNetwork) graph.getLayer(ViLGraph.NETWORK);
        layer.setInput(Nd4j.scalar(DataType.FLOAT, 0.5), org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        layer.setLabels(Nd4j.zeros(DataType.FLOAT, 1, 5));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> layer.backpropGradient(null, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("got an array of shape []"), e.getMessage());
    }

    /**
     * The demo's failure in epoch 3: dl4j-spark's worker fills a minibatch with the first rows of the
     * next one and passes the rest on as a view into it; ND4J 1.0.0-M2.1 sliced the second half of
     * such a view into an empty array, and the pass failed. Every cut of a 128-row minibatch, as the
     * worker makes it, must split into parts that give the gradient of the same rows as an array of
     * their own.
     */
    @Test
    void aMinibatchThatIsTheRestOfAnotherSplitsLikeItsOwnCopy() {
        ComputationGraph graph = network(CONFIG);
        DataSet whole = data(128, 9);
        for (int cut : new int[] {1, 43, 64, 100, 124}) {
            org.nd4j.linalg.indexing.INDArrayIndex rest = org.nd4j.linalg.indexing.NDArrayIndex.interval(cut, 128);
            org.nd4j.linalg.indexing.INDArrayIndex all = org.nd4j.linalg.indexing.NDArrayIndex.all();
            DataSet view = new DataSet(whole.getFeatures().get(rest, all, all, all), whole.getLabels().get(rest, all));
            DataSet own = new DataSet(view.getFeatures().dup(), view.getLabels().dup());
            Pass expected = pass(graph, own, 1);
            Pass split = pass(graph, view, 2);
            assertEquals(expected.score(), split.score(), 1e-5 * Math.abs(expected.score()), "cut " + cut + ": score");
            assertClose(expected.gradient(), split.gradient(), 1e-5, "cut " + cut + ": gradient");
            assertClose(expected.probabilities(), split.probabilities(), 1e-6, "cut " + cut + ": probabilities");
        }
    }

    /** An empty array and an array of no rows. */
    private static void assertZeroGradientAndScore(INDArray images) {
        ComputationGraph graph = network(CONFIG);
        graph.initGradientsView();
        ViLNetwork layer = (ViLNetwork) graph.getLayer(ViLGraph.NETWORK);
        layer.setInput(images, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        layer.setLabels(images.dup());
        org.deeplearning4j.nn.gradient.Gradient g = layer.backpropGradient(null,
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()).getFirst();
        assertEquals(graph.getLayer(ViLGraph.NETWORK).paramTable().size(), g.gradientForVariable().size());
        for (INDArray grad : g.gradientForVariable().values()) {
            assertEquals(0.0, grad.amaxNumber().doubleValue(), "gradient of an empty minibatch");
        }
        assertEquals(0.0, layer.computeScore(0, true, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()));
    }
}
