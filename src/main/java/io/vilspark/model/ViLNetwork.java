package io.vilspark.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime of {@link ViLNetworkLayer}: DL4J's SameDiff output layer, computed by graphs borrowed
 * from the {@link GraphPool} (built once per JVM, not once per network instance as DL4J would),
 * each minibatch split over {@link BatchThreads}. DL4J calls {@link #backpropGradient} and then
 * {@link #computeScore} on an output layer; the backward pass also yields the loss, which the score
 * reuses, so a step is one forward and one backward pass. It also feeds the drop-path masks and
 * answers named intermediate results ({@link #outputs}).
 */
public class ViLNetwork extends SameDiffOutputLayer {
    /**
     * Loss of the last backward pass and the input and labels it was computed for; used once, by
     * the score that DL4J asks for right after the backward pass.
     */
    private double lastLoss = Double.NaN;
    private INDArray lastLossInput;
    private INDArray lastLossLabels;
    private static final Logger LOG = LoggerFactory.getLogger(ViLNetwork.class);
    private static volatile boolean warnedEmpty;

    public ViLNetwork(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ViLNetworkLayer network() {
        return (ViLNetworkLayer) layerConf();
    }

    /** Placeholders: images, labels when given, and drop-path multipliers (drawn only in training). */
    private Map<String, INDArray> placeholders(INDArray images, boolean withLabels, boolean training) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(INPUT_KEY, images);
        if (withLabels) {
            ph.put(LABELS_KEY, labels);
        }
        ViLNetworkLayer net = network();
        if (net.hasDropPath()) {
            int batch = (int) images.size(0);
            double[] rates = net.dropPathRates();
            INDArray keep = Nd4j.ones(images.dataType(), batch, rates.length);
            for (int i = 0; training && i < rates.length; i++) {
                if (rates[i] > 0) {
                    keep.putColumn(i, DropPath.keepMask(batch, rates[i], Nd4j.getRandom(), images.dataType()));
                }
            }
            ph.put(ViLNetworkLayer.DROP_PATH, keep);
        }
        return ph;
    }

    /** The placeholders in as many parts as {@link BatchThreads} gives this many rows. */
    private static List<Map<String, INDArray>> parts(Map<String, INDArray> placeholders, long rows) {
        return GraphPool.split(placeholders, rows, BatchThreads.partsFor(rows));
    }

    private void forgetLoss() {
        lastLossInput = null;
        lastLossLabels = null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        forgetLoss();
        INDArray probabilities = outputs(input, List.of(ViLNetworkLayer.PROBABILITIES), false)
                .get(ViLNetworkLayer.PROBABILITIES);
        return workspaceMgr.isScopedOut(ArrayType.ACTIVATIONS) ? probabilities
                : workspaceMgr.dup(ArrayType.ACTIVATIONS, probabilities);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        double loss;
        if (input == lastLossInput && labels == lastLossLabels) {
            loss = lastLoss;
            forgetLoss();
        } else {
            assertInputSet(false);
            loss = isEmpty(input) ? 0 : loss();
        }
        return isEmpty(input) ? 0 : (loss + fullNetRegTerm) / input.size(0);
    }

    /** The summed loss of the current input and labels, in inference mode. */
    private double loss() {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            List<Double> losses = GraphPool.run(network(), dataType, paramTable, false,
                    parts(placeholders(input, true, false), input.size(0)),
                    (g, part) -> g.graph().outputSingle(part, g.loss()).getDouble(0));
            return losses.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /**
     * The minibatch's parameter gradients, as the sum of its parts' (each part on its own thread and
     * graph, in waves of at most a few images per thread: {@link BatchThreads#trainingWaves}); the loss likewise.
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (labels == null) {
            throw new IllegalStateException("cannot train the ViL network without labels");
        }
        if (isEmpty(input)) {
            return emptyMinibatch(new ArrayList<>(paramTable.keySet()));
        }
        INDArray flat = null;
        lastLoss = 0;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            long rows = input.size(0);
            int perPass = BatchThreads.imagesPerTrainingPass(network().config());
            int waves = BatchThreads.trainingWaves(rows, perPass);
            Map<String, INDArray> minibatch = placeholders(input, true, true);
            // one wave needs no copy of its own: splitting it into parts copies its rows anyway
            for (Map<String, INDArray> wave : waves == 1 ? List.of(minibatch) : GraphPool.split(minibatch, rows, waves)) {
                long waveRows = wave.get(INPUT_KEY).size(0);
                for (GraphPool.LossAndGradient part : GraphPool.run(network(), dataType, paramTable, true,
                        GraphPool.split(wave, waveRows, BatchThreads.trainingPartsFor(waveRows, perPass)),
                        GraphPool.Graph::lossAndGradient)) {
                    flat = flat == null ? part.flatGradient() : flat.addi(part.flatGradient());
                    lastLoss += part.loss();
                }
            }
        }
        // the flat gradient follows the declaration order of the parameters (GraphPool.build)
        Gradient gradient = new DefaultGradient();
        long offset = 0;
        for (String name : network().getLayerParams().getParamShapes().keySet()) {
            INDArray sum = gradTable.get(name);
            sum.assign(flat.get(NDArrayIndex.interval(offset, offset + sum.length())).reshape(sum.shape()));
            offset += sum.length();
            gradient.gradientForVariable().put(name, sum);
        }
        lastLossInput = input;
        lastLossLabels = labels;
        // the network's input is the images: nothing below this layer needs their gradient
        return new Pair<>(gradient, null);
    }

    /**
     * A minibatch without rows contributes nothing: a zero gradient and a zero loss (SameDiff cannot
     * run on it).
     */
    private Pair<Gradient, INDArray> emptyMinibatch(List<String> paramNames) {
        if (!warnedEmpty) {
            warnedEmpty = true;
            LOG.warn("a minibatch without images (features of shape {}) reached the ViL network: it contributes "
                    + "a zero gradient", java.util.Arrays.toString(input.shape()));
        }
        Gradient gradient = new DefaultGradient();
        for (String name : paramNames) {
            gradient.gradientForVariable().put(name, gradTable.get(name).assign(0));
        }
        lastLoss = 0;
        lastLossInput = input;
        lastLossLabels = labels;
        return new Pair<>(gradient, null);
    }

    /** No rows in it; anything but a batch of images {@code [B, C, H, W]} is refused. */
    private static boolean isEmpty(INDArray images) {
        if (images.isEmpty() || images.rank() == 4 && images.size(0) == 0) {
            return true;
        }
        if (images.rank() != 4) {
            throw new IllegalArgumentException("the ViL network takes images [batch, channels, height, width], got "
                    + "an array of shape " + java.util.Arrays.toString(images.shape()));
        }
        return false;
    }

    /**
     * Named results for {@code images} in inference mode (no drop path): any of the names in
     * {@link ViLNetworkLayer}, {@code block_<i>_top_left} / {@code block_<i>_bot_right}. Arrays are
     * detached from DL4J's workspaces.
     */
    public Map<String, INDArray> outputs(INDArray images, List<String> names) {
        return outputs(images, names, false);
    }

    /** As {@link #outputs(INDArray, List)}; in {@code training} mode with freshly drawn drop-path masks. */
    Map<String, INDArray> outputs(INDArray images, List<String> names, boolean training) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            List<Map<String, INDArray>> results = GraphPool.run(network(), dataType, paramTable, false,
                    parts(placeholders(images, false, training), images.size(0)),
                    (g, part) -> {
                        Map<String, INDArray> out = new HashMap<>(g.graph().output(part, names));
                        out.replaceAll((name, array) -> GraphPool.detached(array));
                        return out;
                    });
            if (results.size() == 1) {
                return results.get(0);
            }
            Map<String, INDArray> out = new HashMap<>();
            for (String name : names) {
                out.put(name, Nd4j.concat(0, results.stream().map(r -> r.get(name)).toArray(INDArray[]::new)));
            }
            return out;
        }
    }
}
