package io.vilspark.model;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Vision-LSTM model: its architecture ({@link ViLConfig}) and the DL4J network that computes
 * it. Inputs are images {@code [B, C, H, W]}, already normalised.
 */
public final class ViLModel {
    private final ViLConfig config;
    private final ComputationGraph graph;

    public ViLModel(ViLConfig config, ComputationGraph graph) {
        this.config = config;
        this.graph = graph;
    }

    /** A freshly initialised model (the reference's initialisation), float32. */
    public static ViLModel create(ViLConfig config, long seed) {
        return create(config, seed, DataType.FLOAT);
    }

    public static ViLModel create(ViLConfig config, long seed, DataType dataType) {
        return new ViLModel(config, ViLGraph.newNetwork(ViLGraph.configuration(config, seed, dataType)));
    }

    /** A freshly initialised model whose mLSTM cell takes {@code form} ({@code auto|parallel|chunkwise|recurrent}). */
    public static ViLModel create(ViLConfig config, long seed, DataType dataType, String form, int chunkSize) {
        return new ViLModel(config, ViLGraph.newNetwork(
                ViLGraph.withCellForm(ViLGraph.configuration(config, seed, dataType), form, chunkSize)));
    }

    /** Wraps a network built from {@link ViLGraph#configuration}, e.g. one restored from a model file. */
    public static ViLModel of(ComputationGraph graph) {
        return new ViLModel(ViLGraph.describe(graph.getConfiguration()), graph);
    }

    public ViLConfig config() {
        return config;
    }

    public ComputationGraph graph() {
        return graph;
    }

    /** Class scores before softmax, {@code [B, classes]}. */
    public INDArray logits(INDArray images) {
        return outputs(images, ViLNetworkLayer.LOGITS).get(ViLNetworkLayer.LOGITS);
    }

    /** The vector that feeds the head (after final norm, pooling and legacy norm), {@code [B, F]}. */
    public INDArray features(INDArray images) {
        return outputs(images, ViLNetworkLayer.HEAD_INPUT).get(ViLNetworkLayer.HEAD_INPUT);
    }

    /** {@link #features} and {@link #logits} from one forward pass: {@code [B, F]} and {@code [B, classes]}. */
    public INDArray[] featuresAndLogits(INDArray images) {
        Map<String, INDArray> out = outputs(images, ViLNetworkLayer.HEAD_INPUT, ViLNetworkLayer.LOGITS);
        return new INDArray[] {out.get(ViLNetworkLayer.HEAD_INPUT), out.get(ViLNetworkLayer.LOGITS)};
    }

    /** Per-patch token features after the final norm, {@code [B, S, dim]} (raster order). */
    public INDArray tokenFeatures(INDArray images) {
        return outputs(images, ViLNetworkLayer.NORM).get(ViLNetworkLayer.NORM);
    }

    /**
     * Every intermediate result under the reference's activation names: {@code embed},
     * {@code block_<i>_top_left}, {@code block_<i>_bot_right}, {@code norm} (tokens as
     * {@code [B, S, dim]}), {@code head_input} {@code [B, F]} and {@code logits}.
     */
    public Map<String, INDArray> activations(INDArray images) {
        List<String> names = new ArrayList<>();
        names.add(ViLNetworkLayer.EMBED);
        for (int i = 0; i < 2 * config.depth(); i++) {
            names.add(ReferenceNames.blockActivationName(i));
        }
        names.add(ViLNetworkLayer.NORM);
        names.add(ViLNetworkLayer.HEAD_INPUT);
        names.add(ViLNetworkLayer.LOGITS);
        Map<String, INDArray> all = outputs(images, names.toArray(new String[0]));
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String name : names) {
            ordered.put(name, all.get(name));
        }
        return ordered;
    }

    private Map<String, INDArray> outputs(INDArray images, String... names) {
        long[] expected = {config.channels(), config.height(), config.width()};
        if (images.rank() != 4 || !Arrays.equals(Arrays.copyOfRange(images.shape(), 1, 4), expected)) {
            throw new IllegalArgumentException("images must be [B, " + expected[0] + ", " + expected[1] + ", "
                    + expected[2] + "] for this model, got " + Arrays.toString(images.shape()));
        }
        INDArray input = images.castTo(graph.getConfiguration().getDataType());
        ViLNetwork network = (ViLNetwork) graph.getLayer(ViLGraph.NETWORK);
        return network.outputs(input, List.of(names));
    }

    /** Parameters under the reference's state_dict names and shapes (copies). */
    public Map<String, INDArray> stateDict() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : graph.paramTable().entrySet()) {
            String name = ReferenceNames.fromGraphKey(e.getKey());
            out.put(name, e.getValue().dup('c'));
        }
        return out;
    }

    /**
     * Sets every parameter from reference-named arrays. The key sets must match exactly and
     * every shape must agree; otherwise nothing is changed and the error lists the problems.
     */
    public void loadStateDict(Map<String, INDArray> state) {
        Map<String, INDArray> table = graph.paramTable();
        Map<String, String> graphKeyOf = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            graphKeyOf.put(ReferenceNames.fromGraphKey(key), key);
        }
        List<String> problems = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>(graphKeyOf.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(graphKeyOf.keySet());
        if (!missing.isEmpty()) {
            problems.add("missing keys " + missing);
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected keys " + unexpected);
        }
        for (Map.Entry<String, String> e : graphKeyOf.entrySet()) {
            INDArray given = state.get(e.getKey());
            if (given == null) {
                continue;
            }
            long[] want = table.get(e.getValue()).shape();
            if (!Arrays.equals(want, given.shape())) {
                problems.add(e.getKey() + ": shape " + Arrays.toString(given.shape()) + ", model expects " + Arrays.toString(want));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("state_dict does not fit " + config + ": " + String.join("; ", problems));
        }
        for (Map.Entry<String, String> e : graphKeyOf.entrySet()) {
            INDArray target = table.get(e.getValue());
            target.assign(state.get(e.getKey()).castTo(target.dataType()));
        }
    }

    /** Writes the model (and, if asked, the optimizer state) as a DL4J model zip. */
    public void save(File file, boolean withUpdater) throws IOException {
        ModelSerializer.writeModel(graph, file, withUpdater);
    }

    public static ViLModel load(File file, boolean withUpdater) throws IOException {
        ComputationGraph graph = ModelSerializer.restoreComputationGraph(file, withUpdater);
        return of(graph);
    }

    /** Number of trainable parameters. */
    public long numParams() {
        return graph.numParams();
    }
}
