package io.vilspark.train;

import java.util.ArrayList;
import java.util.List;

import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLGraph;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The ViL network configured for training with a recipe: Adam with the recipe's betas and epsilon,
 * the warm-up + cosine learning-rate schedule, and decoupled weight decay (AdamW) on weight params
 * only. Biases, norm scales, learnable skips and the position embedding are the model's "bias"
 * params (see {@code ViLLayerBase}) and are not decayed, as in the reference (ksuit excludes biases,
 * 1-D params and {@code pos_embed.embed}).
 *
 * <p>Gradient clipping is not part of the configuration: DL4J only clips per layer or per param, the
 * recipe clips the norm of all gradients together; attach {@link GlobalGradientNormClipping}.
 */
public final class TrainingGraph {
    private TrainingGraph() {
    }

    /**
     * @param model         the architecture (the recipe's {@code drop_path}, when set, replaces its rate)
     * @param stepsPerEpoch optimizer steps per epoch as DL4J counts them ({@link TrainingRecipe#stepsPerEpoch})
     * @param seed          seed of the parameter initialisation
     */
    public static ComputationGraphConfiguration configuration(ViLConfig model, TrainingRecipe recipe, int stepsPerEpoch,
                                                              long seed) {
        ComputationGraphConfiguration conf = ViLGraph.configuration(recipe.trainedModel(model), seed, DataType.FLOAT,
                updater(recipe, stepsPerEpoch));
        decayWeightsOnly(conf, recipe.weightDecay());
        return conf;
    }

    /** Adam with the recipe's learning-rate schedule, betas and epsilon. */
    public static Adam updater(TrainingRecipe recipe, int stepsPerEpoch) {
        return Adam.builder()
                .learningRateSchedule(WarmupCosineSchedule.of(recipe, stepsPerEpoch))
                .beta1(recipe.beta1())
                .beta2(recipe.beta2())
                .epsilon(recipe.eps())
                .build();
    }

    /**
     * Puts decoupled weight decay on every layer's weight params and nothing on its bias params. Layer
     * configurations are mutable after the graph is built, and DL4J reads the regularisation per param
     * at each update ({@code UpdaterBlock}), so this is all it takes.
     */
    static void decayWeightsOnly(ComputationGraphConfiguration conf, double coefficient) {
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (!(vertex instanceof LayerVertex layerVertex)) {
                continue;
            }
            Layer layer = layerVertex.getLayerConf().getLayer();
            if (layer instanceof BaseLayer base) {
                base.setRegularization(onWeights(coefficient));
                base.setRegularizationBias(new ArrayList<>());
            } else if (layer instanceof AbstractSameDiffLayer sameDiff) {
                sameDiff.setRegularization(onWeights(coefficient));
                sameDiff.setRegularizationBias(new ArrayList<>());
            } else if (layer.initializer().numParams(layer) > 0) {
                throw new IllegalStateException("layer '" + layer.getLayerName() + "' (" + layer.getClass().getSimpleName()
                        + ") has parameters but no known place for weight decay");
            }
        }
    }

    /** A fresh list per layer: DL4J layers edit their lists in place (e.g. builder helpers). */
    private static List<Regularization> onWeights(double coefficient) {
        List<Regularization> list = new ArrayList<>();
        if (coefficient > 0) {
            list.add(new DecoupledWeightDecay(coefficient));
        }
        return list;
    }
}
