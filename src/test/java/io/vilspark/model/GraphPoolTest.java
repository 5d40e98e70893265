package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Graphs are lent only to networks that compute the same thing the same way, and run on steady pass threads. */
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
    /**
     * Each pass thread keeps its sessions and their freed arrays: successive minibatches must
     * come back to the same threads (part i on thread i), not spread over a pool.
     */
    @Test
    void successiveMinibatchesRunOnTheSamePassThreads() {
        ComputationGraph graph = smallGraph();
        ViLNetwork network = (ViLNetwork) graph.getLayer(ViLGraph.NETWORK);
        ViLNetworkLayer layer = (ViLNetworkLayer) network.conf().getLayer();
        List<Map<String, INDArray>> onePart = List.of(Map.of());
        List<Map<String, INDArray>> twoParts = List.of(Map.of(), Map.of());
        String first = passThreads(layer, network, onePart).get(0);
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(first), passThreads(layer, network, onePart));
        }
        List<String> both = passThreads(layer, network, twoParts);
        assertEquals(first, both.get(0));
        assertNotEquals(first, both.get(1));
        assertEquals(both, passThreads(layer, network, twoParts));
        assertEquals(List.of(first), passThreads(layer, network, onePart));
    }

    /** Training and forward passes run in sessions that work out each pass's subgraph once. */
    @Test
    void passesRunInFixedGraphSessions() {
        ComputationGraph graph = smallGraph();
        ViLNetwork network = (ViLNetwork) graph.getLayer(ViLGraph.NETWORK);
        ViLNetworkLayer layer = (ViLNetworkLayer) network.conf().getLayer();
        for (boolean training : new boolean[] {true, false}) {
            String session = GraphPool.run(layer, DataType.FLOAT, network.paramTable(), training, List.of(Map.of()),
                    (g, part) -> {
                        SameDiff sd = training ? g.graph().getFunction(GraphPool.GRADIENT_FUNCTION) : g.graph();
                        return sd.getSessions().get(Thread.currentThread().getId()).getClass().getSimpleName();
                    }).get(0);
            assertEquals(FixedGraphSession.class.getSimpleName(), session, training ? "training pass" : "forward pass");
        }
    }

    /**
     * The first pass for a set of outputs runs in SameDiff's session and later ones from the schedule
     * of its ops: every pass gives the first one's loss, gradient and forward output.
     */
    @Test
    void laterPassesRunTheFirstPasssScheduleAndComputeTheSame() {
        ViLConfig config = ViLConfig.builder().dim(16).depth(2).patchSize(2).inputShape(1, 8, 8).numClasses(3)
                .projBias(true).build();
        ComputationGraph graph = new ComputationGraph(ViLGraph.configuration(config, 5, DataType.FLOAT, new Adam(1e-3)));
        graph.init();
        ViLNetwork network = (ViLNetwork) graph.getLayer(ViLGraph.NETWORK);
        ViLNetworkLayer layer = (ViLNetworkLayer) network.conf().getLayer();
        Nd4j.getRandom().setSeed(5);
        Map<String, INDArray> part = Map.of(
                org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer.INPUT_KEY, Nd4j.randn(DataType.FLOAT, 3, 1, 8, 8),
                org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer.LABELS_KEY,
                Nd4j.eye(3).getRows(2, 0, 1).castTo(DataType.FLOAT));
        for (boolean training : new boolean[] {true, false}) {
            String what = training ? "training pass " : "forward pass ";
            INDArray first = null;
            for (int pass = 0; pass < 3; pass++) {
                int passNo = pass;
                Object[] result = GraphPool.run(layer, DataType.FLOAT, network.paramTable(), training, List.of(part),
                        (g, p) -> {
                            SameDiff sd = training ? g.graph().getFunction(GraphPool.GRADIENT_FUNCTION) : g.graph();
                            INDArray out;
                            if (training) {
                                GraphPool.LossAndGradient lg = g.lossAndGradient(p);
                                out = Nd4j.concat(0, Nd4j.scalar(DataType.FLOAT, lg.loss()).reshape(1), lg.flatGradient());
                            } else {
                                out = sd.output(p, g.loss()).get(g.loss()).reshape(1);
                            }
                            FixedGraphSession session = (FixedGraphSession) sd.getSessions().get(Thread.currentThread().getId());
                            int scheduled = session.knownOutputSets().stream().mapToInt(session::scheduledOps).max().orElse(0);
                            return new Object[] {GraphPool.detached(out), scheduled};
                        }).get(0);
                INDArray out = (INDArray) result[0];
                if (pass == 0) {
                    first = out;
                    continue;
                }
                assertTrue((int) result[1] > 50, what + passNo + " ran " + result[1] + " scheduled ops");
                assertEquals(first, out, what + passNo);
            }
            assertTrue(first.amaxNumber().doubleValue() > 0, what + "results to compare");
        }
    }

    /** Two callers at once (Spark tasks in one JVM) must not queue behind each other on one pass thread. */
    @Test
    void concurrentCallersGetPassThreadsOfTheirOwn() throws Exception {
        ComputationGraph graph = smallGraph();
        ViLNetwork network = (ViLNetwork) graph.getLayer(ViLGraph.NETWORK);
        ViLNetworkLayer layer = (ViLNetworkLayer) network.conf().getLayer();
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        Callable<String> caller = () -> GraphPool.run(layer, DataType.FLOAT, network.paramTable(), true, List.of(Map.of()),
                (g, part) -> {
                    try {
                        bothRunning.await(60, TimeUnit.SECONDS);   // times out when the passes run one after the other
                    } catch (Exception e) {
                        throw new IllegalStateException("the two passes did not run at the same time", e);
                    }
                    return Thread.currentThread().getName();
                }).get(0);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<String> a = callers.submit(caller);
            Future<String> b = callers.submit(caller);
            assertNotEquals(a.get(90, TimeUnit.SECONDS), b.get(90, TimeUnit.SECONDS));
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * Training passes run a graph built for backprop, forward passes one whose ops take their fastest
     * forward form (per-channel scales, the down-projection's bias): both must compute the same loss.
     */
    @Test
    void theTrainingGraphComputesTheLossTheForwardGraphDoes() {
        ViLConfig config = ViLConfig.builder().dim(8).depth(1).patchSize(2).inputShape(1, 6, 6).numClasses(3)
                .projBias(true).normBias(true).build();
        ComputationGraph graph = new ComputationGraph(ViLGraph.configuration(config, 5, DataType.DOUBLE, new Adam(1e-3)));
        graph.init();
        // every parameter away from its initial value: norm scales, biases and the skip start at 0 or 1
        Nd4j.getRandom().setSeed(11);
        graph.params().assign(Nd4j.randn(DataType.DOUBLE, graph.params().shape()).muli(0.3));
        INDArray images = Nd4j.randn(DataType.DOUBLE, 4, 1, 6, 6);
        INDArray labels = Nd4j.eye(3).getRows(0, 1, 2, 0).castTo(DataType.DOUBLE);
        org.nd4j.linalg.dataset.DataSet data = new org.nd4j.linalg.dataset.DataSet(images, labels);
        double forward = graph.score(data, false);
        graph.setInputs(images);
        graph.setLabels(labels);
        graph.computeGradientAndScore();
        double training = graph.score();
        assertEquals(forward, training, 1e-12 * Math.abs(forward));
        // and the forward graph's probabilities are the training graph's loss: -sum log p(label) / batch
        INDArray p = graph.outputSingle(images);
        double fromProbabilities = 0;
        for (int i = 0; i < 4; i++) {
            fromProbabilities -= Math.log(p.getDouble(i, labels.getRow(i).argMax().getInt(0)));
        }
        assertEquals(fromProbabilities / 4, training, 1e-9);
    }

    private static List<String> passThreads(ViLNetworkLayer layer, ViLNetwork network, List<Map<String, INDArray>> parts) {
        return GraphPool.run(layer, DataType.FLOAT, network.paramTable(), true, parts,
                (g, part) -> Thread.currentThread().getName());
    }

    private static ComputationGraph smallGraph() {
        ViLConfig config = ViLConfig.builder().dim(8).depth(1).patchSize(2).inputShape(1, 6, 6).numClasses(3).build();
        ComputationGraph graph = new ComputationGraph(ViLGraph.configuration(config, 5, DataType.FLOAT, new Adam(1e-3)));
        graph.init();
        return graph;
    }
}
