package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.vilspark.model.ReferenceNames;
import io.vilspark.model.ViLGraph;
import io.vilspark.testing.TinyVil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;

class TrainingGraphTest {
    private static final int STEPS_PER_EPOCH = 10;

    /** ksuit's rule, on reference names: biases, 1-D params (norm scales, skips) and pos_embed are not decayed. */
    private static boolean decayedInTheReference(String referenceName) {
        return referenceName.endsWith(".weight") && !referenceName.endsWith("norm.weight");
    }

    private static ComputationGraph graph(TrainingRecipe recipe) {
        ComputationGraph graph = new ComputationGraph(TrainingGraph.configuration(TinyVil.MODEL, recipe, STEPS_PER_EPOCH, 42));
        graph.init();
        return graph;
    }

    @Test
    void decayIsOnWeightParamsOnly() {
        ComputationGraph graph = graph(TinyVil.recipe());
        TreeSet<String> decayed = new TreeSet<>();
        TreeSet<String> expected = new TreeSet<>();
        for (String key : graph.paramTable().keySet()) {
            String layer = key.substring(0, key.indexOf('_'));
            String param = key.substring(key.indexOf('_') + 1);
            List<Regularization> regs = graph.getLayer(layer).conf().getLayer().getRegularizationByParam(param);
            String name = ReferenceNames.fromGraphKey(key);
            if (regs != null && !regs.isEmpty()) {
                assertEquals(List.of(new DecoupledWeightDecay(0.05)), regs, name);
                decayed.add(name);
            }
            if (decayedInTheReference(name)) {
                expected.add(name);
            }
        }
        assertEquals(expected, decayed);
        assertTrue(decayed.contains("head.weight") && decayed.contains("patch_embed.proj.weight"), decayed.toString());
    }

    /**
     * One Adam step on the same batch with decay 0 and with decay d: weights end up lower by exactly
     * lr * d * w, with lr the scheduled rate of that step (the first warm-up step: peak / 11), and biases,
     * norms, skips and the position embedding not at all.
     */
    @Test
    void decayShrinksWeightsByLrTimesDecayTimesWeight() {
        double peak = 0.01;
        double decay = 0.5;
        TrainingRecipe plain = TinyVil.recipe("train.lr=" + peak, "train.weight_decay=0");
        TrainingRecipe decaying = TinyVil.recipe("train.lr=" + peak, "train.weight_decay=" + decay);
        double lr = peak / (STEPS_PER_EPOCH + 1);
        ComputationGraph a = graph(plain);
        ComputationGraph b = graph(decaying);
        Map<String, INDArray> before = copy(b.paramTable());
        assertEquals(a.params(), b.params(), "same seed, same start");
        DataSet data = TinyVil.batch(6, 1);
        assertEquals(a.score(data), b.score(data), 0.0, "the decay adds nothing to the loss");
        assertEquals(lr, ((Adam) TrainingGraph.updater(decaying, STEPS_PER_EPOCH)).getLearningRate(0, 0), 0.0);

        a.fit(data);
        b.fit(data);

        int decayedParams = 0;
        for (Map.Entry<String, INDArray> e : before.entrySet()) {
            String name = ReferenceNames.fromGraphKey(e.getKey());
            INDArray difference = b.getParam(e.getKey()).sub(a.getParam(e.getKey()));
            INDArray expected = decayedInTheReference(name) ? e.getValue().mul(-lr * decay) : e.getValue().mul(0);
            double error = difference.sub(expected).amaxNumber().doubleValue();
            assertTrue(error < 1e-6, name + ": off by " + error);
            if (decayedInTheReference(name) && e.getValue().amaxNumber().doubleValue() > 0) {
                decayedParams++;
                assertTrue(a.getParam(e.getKey()).sub(e.getValue()).amaxNumber().doubleValue() > 1e-4,
                        name + ": the step itself moved the weights");
            }
        }
        assertTrue(decayedParams >= 8, "decayed params checked: " + decayedParams);
    }

    /** Model files and Spark configurations go through JSON: recipe, schedule and decay must come back the same. */
    @Test
    void configurationSurvivesJson() {
        ComputationGraphConfiguration conf = TrainingGraph.configuration(TinyVil.MODEL, TinyVil.recipe(), STEPS_PER_EPOCH, 3);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        ComputationGraph original = new ComputationGraph(conf);
        original.init();
        ComputationGraph restored = new ComputationGraph(back);
        restored.init();
        assertEquals(original.params(), restored.params());
        Adam adam = assertInstanceOf(Adam.class, restored.getLayer(ViLGraph.NETWORK).conf().getLayer().getUpdaterByParam("head.weight"));
        assertEquals(WarmupCosineSchedule.of(TinyVil.recipe(), STEPS_PER_EPOCH), adam.getLearningRateSchedule());
        assertEquals(0.9, adam.getBeta1());
        assertEquals(0.999, adam.getBeta2());
        assertEquals(1e-8, adam.getEpsilon());
        // equal schedules keep the updater blocks (and so the layout of the updater state) the same
        assertEquals(((ComputationGraphUpdater) original.getUpdater()).getUpdaterBlocks().size(),
                ((ComputationGraphUpdater) restored.getUpdater()).getUpdaterBlocks().size());
        assertEquals(1, ((ComputationGraphUpdater) restored.getUpdater()).getUpdaterBlocks().size());
    }

    @Test
    void recipeDropPathReplacesTheModels() {
        ComputationGraphConfiguration conf = TrainingGraph.configuration(TinyVil.MODEL,
                TinyVil.recipe("train.drop_path=0.25"), STEPS_PER_EPOCH, 3);
        assertEquals(0.25, ViLGraph.describe(conf).dropPathRate());
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> params) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }
}
