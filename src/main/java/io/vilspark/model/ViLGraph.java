package io.vilspark.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The ViL network as a DL4J {@link ComputationGraphConfiguration}: {@code images -> vil}, where
 * {@code vil} is the {@link ViLNetworkLayer} (the whole network as one SameDiff output layer;
 * its output is the class probabilities, its score the softmax cross-entropy).
 */
public final class ViLGraph {
    public static final String INPUT = "images";
    public static final String NETWORK = "vil";

    private ViLGraph() {
    }

    /** Architecture only, plain SGD: for inference, import and tests. */
    public static ComputationGraphConfiguration configuration(ViLConfig config, long seed, DataType dataType) {
        return configuration(config, seed, dataType, new Sgd(0.0));
    }

    public static ComputationGraphConfiguration configuration(ViLConfig config, long seed, DataType dataType, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(config.height(), config.width(), config.channels()))
                .addLayer(NETWORK, new ViLNetworkLayer(config, seed), INPUT)
                .setOutputs(NETWORK)
                .build();
    }

    /**
     * Sets the mLSTM cell's form ({@code auto|parallel|chunkwise|recurrent}) and chunk size in a
     * configuration, before a network is built from it; returns {@code conf}.
     */
    public static ComputationGraphConfiguration withCellForm(ComputationGraphConfiguration conf, String form, int chunkSize) {
        networkLayer(conf).withCellForm(form, chunkSize);
        return conf;
    }

    /** A network for {@code conf}, its parameters initialised reproducibly from the configuration's seed ({@link ParamInit}). */
    public static ComputationGraph newNetwork(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** Reads the architecture back from a graph configuration (as stored in a model file). */
    public static ViLConfig describe(ComputationGraphConfiguration conf) {
        return networkLayer(conf).config();
    }

    /** The network layer's configuration. */
    public static ViLNetworkLayer networkLayer(ComputationGraphConfiguration conf) {
        GraphVertex v = conf.getVertices().get(NETWORK);
        if (!(v instanceof LayerVertex lv) || !(lv.getLayerConf().getLayer() instanceof ViLNetworkLayer layer)) {
            throw new IllegalArgumentException("not a ViL graph: no ViL network layer '" + NETWORK + "'");
        }
        return layer;
    }
}
