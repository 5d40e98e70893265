package io.vilspark.model;

import static io.vilspark.testing.ReferenceCase.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.config.ModelConfigs;
import io.vilspark.interop.SafetensorsFile;
import io.vilspark.interop.StateDictFiles;
import io.vilspark.interop.TensorArrays;
import io.vilspark.testing.ReferenceCase;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The model against every golden model case, with weights from safetensors and from torch checkpoints. */
class ReferenceParityTest {
    private static final double FORWARD_TOL = 1e-5;
    private static final double GRAD_TOL = 5e-5;

    /** Every case with the default form (auto: parallel here), the chunkwise form forced, and the recurrent one on the small models. */
    static Stream<Arguments> weightFiles() {
        return Stream.of(
                Arguments.of("tiny_rgb32", "weights.safetensors", "auto", 0),
                Arguments.of("tiny_rgb32", "checkpoint.th", "auto", 0),
                Arguments.of("mono28_avg", "weights.safetensors", "auto", 0),
                Arguments.of("mono28_avg", "checkpoint.th", "auto", 0),
                Arguments.of("vil2_tiny", "weights.safetensors", "auto", 0),
                Arguments.of("tiny_rgb32_official_layout", "checkpoint.th", "auto", 0),
                // chunk sizes that leave a padded last chunk (16, 49 and 196 patches)
                Arguments.of("tiny_rgb32", "weights.safetensors", "chunkwise", 5),
                Arguments.of("mono28_avg", "weights.safetensors", "chunkwise", 5),
                Arguments.of("vil2_tiny", "weights.safetensors", "chunkwise", 64),
                Arguments.of("tiny_rgb32_official_layout", "checkpoint.th", "chunkwise", 3),
                Arguments.of("tiny_rgb32", "weights.safetensors", "recurrent", 64),
                Arguments.of("mono28_avg", "weights.safetensors", "recurrent", 64));
    }

    static Stream<Arguments> trainingCases() {
        return Stream.of(
                Arguments.of("tiny_rgb32", "weights.safetensors", "auto", 0),
                Arguments.of("tiny_rgb32", "checkpoint.th", "auto", 0),
                Arguments.of("mono28_avg", "weights.safetensors", "auto", 0),
                Arguments.of("mono28_avg", "checkpoint.th", "auto", 0),
                Arguments.of("tiny_rgb32", "weights.safetensors", "chunkwise", 5),
                Arguments.of("mono28_avg", "weights.safetensors", "chunkwise", 5),
                Arguments.of("mono28_avg", "weights.safetensors", "chunkwise", 16),
                Arguments.of("tiny_rgb32", "weights.safetensors", "recurrent", 64),
                Arguments.of("mono28_avg", "weights.safetensors", "recurrent", 64));
    }

    private static ViLModel load(ReferenceCase c, String weights, String form, int chunkSize) throws Exception {
        ViLConfig config = ModelConfigs.fromReferenceJson(c.file("config.json"));
        ViLModel model = "auto".equals(form) ? ViLModel.create(config, 1)
                : ViLModel.create(config, 1, DataType.FLOAT, form, chunkSize);
        assertEquals("auto".equals(form) ? MLstmForm.PARALLEL : MLstmForm.fromConfigName(form),
                ViLGraph.networkLayer(model.graph().getConfiguration()).cellForm(config.sequenceLength()));
        model.loadStateDict(TensorArrays.toFloatArrays(StateDictFiles.read(c.file(weights))));
        return model;
    }

    @ParameterizedTest(name = "{0}/{1} {2} {3}")
    @MethodSource("weightFiles")
    void logitsAndEveryActivationMatch(String name, String weights, String form, int chunkSize) throws Exception {
        ReferenceCase c = new ReferenceCase(name);
        ViLModel model = load(c, weights, form, chunkSize);
        Map<String, INDArray> acts = model.activations(c.npy("input.npy"));
        assertClose(name + " logits", c.npy("logits.npy"), acts.get("logits"), FORWARD_TOL);
        int compared = 0;
        for (String act : acts.keySet()) {
            String file = "activations/" + act + ".npy";
            if (c.has(file)) {
                assertClose(name + " " + act, c.npy(file), acts.get(act), FORWARD_TOL);
                compared++;
            }
        }
        if (c.has("activations/pooled.npy") && !model.config().legacyNorm()) {
            assertClose(name + " pooled", c.npy("activations/pooled.npy"), acts.get("head_input"), FORWARD_TOL);
        }
        if (Files.isDirectory(c.file("activations"))) {
            assertTrue(compared >= 4, "compared only " + compared + " activations");
        }
    }

    @ParameterizedTest(name = "{0}/{1} {2} {3}")
    @MethodSource("trainingCases")
    void lossAndEveryParameterGradientMatch(String name, String weights, String form, int chunkSize) throws Exception {
        ReferenceCase c = new ReferenceCase(name);
        ViLModel model = load(c, weights, form, chunkSize);
        INDArray input = c.npy("input.npy");
        INDArray labelIdx = c.npy("labels.npy");
        INDArray labels = Nd4j.zeros(DataType.FLOAT, labelIdx.length(), model.config().numClasses());
        for (int i = 0; i < labelIdx.length(); i++) {
            labels.putScalar(i, labelIdx.getLong(i), 1.0);
        }
        ComputationGraph graph = model.graph();
        graph.setInputs(input.castTo(DataType.FLOAT));
        graph.setLabels(labels);
        graph.computeGradientAndScore();

        Map<?, ?> loss = new ObjectMapper().readValue(c.file("loss.json").toFile(), Map.class);
        double expectedLoss = ((Number) loss.get("loss")).doubleValue();
        assertEquals(expectedLoss, graph.score(), 1e-5 * Math.abs(expectedLoss), "loss");

        Map<String, INDArray> expected = TensorArrays.toFloatArrays(SafetensorsFile.read(c.file("grads.safetensors")));
        Gradient gradient = graph.gradient();
        List<String> failures = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, INDArray> g : gradient.gradientForVariable().entrySet()) {
            String ref = ReferenceNames.fromGraphKey(g.getKey());
            INDArray actual = g.getValue();
            // DL4J's backward pass sums over the minibatch; its updater divides by the batch size
            actual = actual.div(input.size(0));
            assertTrue(expected.containsKey(ref), "no reference gradient for " + ref);
            try {
                assertClose(name + " grad " + ref, expected.get(ref), actual, GRAD_TOL);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
            compared++;
        }
        assertEquals(List.of(), failures, "gradients that differ from the reference");
        assertEquals(expected.size(), compared, "every reference gradient compared");
    }
}
