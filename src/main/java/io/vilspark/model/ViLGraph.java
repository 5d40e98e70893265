package io.vilspark.model;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The ViL network as a DL4J {@link ComputationGraphConfiguration}: a chain
 * {@code images -> embed -> block0TopLeft -> block0BotRight -> ... -> norm -> pool -> head -> loss}.
 * The head is a plain dense layer (its output: logits), the loss layer adds softmax + cross-entropy.
 */
public final class ViLGraph {
    public static final String INPUT = "images";
    public static final String EMBED = "embed";
    public static final String NORM = "norm";
    public static final String POOL = "pool";
    public static final String HEAD = ReferenceNames.HEAD_LAYER;
    public static final String LOSS = "loss";

    private ViLGraph() {
    }

    /** Architecture only, plain SGD: for inference, import and tests. */
    public static ComputationGraphConfiguration configuration(ViLConfig config, long seed, DataType dataType) {
        return configuration(config, seed, dataType, new Sgd(0.0));
    }

    public static ComputationGraphConfiguration configuration(ViLConfig config, long seed, DataType dataType, IUpdater updater) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(updater)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional(config.height(), config.width(), config.channels()));
        g.addLayer(EMBED, new PatchEmbeddingLayer(config).seeded(seed, 0), INPUT);
        String previous = EMBED;
        for (int i = 0; i < 2 * config.depth(); i++) {
            String name = ReferenceNames.blockLayerName(i);
            g.addLayer(name, new ViLBlockLayer(config, i).seeded(seed, i + 1), previous);
            previous = name;
        }
        g.addLayer(NORM, new FinalNormLayer(config), previous);
        g.addLayer(POOL, new BilateralPoolingLayer(config), NORM);
        // MAE-style tiny head: trunc_normal(std=2e-5), torch truncates at +-2 absolute, i.e. never
        g.addLayer(HEAD, new DenseLayer.Builder().nIn(config.featureSize()).nOut(config.numClasses())
                .activation(Activation.IDENTITY)
                .weightInit(new WeightInitDistribution(new NormalDistribution(0, 2e-5)))
                .biasInit(0.0)
                .build(), POOL);
        g.addLayer(LOSS, new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build(), HEAD);
        g.setOutputs(LOSS);
        return g.build();
    }

    /**
     * A network for {@code conf}, its parameters initialised reproducibly from the configuration's
     * seed ({@code ComputationGraph.init()} alone gave different parameters for the same seed: see
     * {@link ParamInit}).
     */
    public static ComputationGraph newNetwork(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        // the head was drawn from ND4J's generator (DL4J's own layer): draw it again reproducibly
        long seed = conf.getDefaultConfiguration().getSeed();
        ParamInit.of(seed, Integer.MAX_VALUE).normal(graph.getParam(HEAD + "_W"), 2e-5);
        return graph;
    }

    /** Reads the architecture back from a graph configuration (as stored in a model file). */
    public static ViLConfig describe(ComputationGraphConfiguration conf) {
        PatchEmbeddingLayer embed = (PatchEmbeddingLayer) layer(conf, EMBED);
        List<ViLBlockLayer> blocks = new ArrayList<>();
        for (int i = 0; conf.getVertices().containsKey(ReferenceNames.blockLayerName(i)); i++) {
            blocks.add((ViLBlockLayer) layer(conf, ReferenceNames.blockLayerName(i)));
        }
        BilateralPoolingLayer pool = (BilateralPoolingLayer) layer(conf, POOL);
        DenseLayer head = (DenseLayer) layer(conf, HEAD);
        if (blocks.isEmpty() || blocks.size() % 2 != 0) {
            throw new IllegalArgumentException("not a ViL graph: " + blocks.size() + " ViL sub-blocks");
        }
        return ViLConfig.builder()
                .dim(embed.getDim())
                .depth(blocks.size() / 2)
                .patchSize(embed.getPatchSize())
                .inputShape(embed.getChannels(), embed.getHeight(), embed.getWidth())
                .numClasses((int) head.getNOut())
                .pooling(pool.getPooling())
                .legacyNorm(pool.isLegacyNorm())
                .projBias(blocks.get(0).isProjBias())
                .normBias(blocks.get(0).isNormBias())
                .dropPathRate(blocks.get(blocks.size() - 1).getDropPath())
                .dropPathDecay(blocks.get(0).getDropPath() != blocks.get(blocks.size() - 1).getDropPath())
                .build();
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layer(ComputationGraphConfiguration conf, String name) {
        GraphVertex v = conf.getVertices().get(name);
        if (!(v instanceof LayerVertex lv)) {
            throw new IllegalArgumentException("not a ViL graph: no layer '" + name + "'");
        }
        return lv.getLayerConf().getLayer();
    }
}
