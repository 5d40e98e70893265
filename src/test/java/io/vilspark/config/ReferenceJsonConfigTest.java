package io.vilspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.model.Pooling;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.ReferenceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ReferenceJsonConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> goldenConfigs() {
        return ReferenceFiles.configFiles();
    }

    @Test
    void referenceCasesArePresent() {
        assertTrue(goldenConfigs().size() >= 4, "golden config.json files under " + ReferenceFiles.dir());
    }

    @ParameterizedTest
    @CsvSource({
            // case, dim, depth, patch, channels, height, width, classes, pooling, legacy_norm
            "tiny_rgb32,                 32,  2,  8, 3,  32,  32,   10, BILATERAL_FLATTEN, false",
            "tiny_rgb32_official_layout, 32,  2,  8, 3,  32,  32,   10, BILATERAL_FLATTEN, true",
            "mono28_avg,                 48,  2,  4, 1,  28,  28,   10, BILATERAL_AVG,     true",
            "vil2_tiny,                 192, 12, 16, 3, 224, 224, 1000, BILATERAL_FLATTEN, true",
    })
    void goldenCaseHasTheReferenceArchitecture(String name, int dim, int depth, int patch, int channels, int height,
                                               int width, int classes, Pooling pooling, boolean legacyNorm) {
        ViLConfig c = ModelConfigs.fromReferenceJson(ReferenceFiles.dir().resolve(name).resolve("config.json"));
        assertEquals(dim, c.dim());
        assertEquals(depth, c.depth());
        assertEquals(patch, c.patchSize());
        assertEquals(List.of(channels, height, width), List.of(c.channels(), c.height(), c.width()));
        assertEquals(classes, c.numClasses());
        assertEquals(pooling, c.pooling());
        assertEquals(legacyNorm, c.legacyNorm());
        assertTrue(c.projBias() && c.normBias());
        assertEquals(0.0, c.dropPathRate());
        assertFalse(c.dropPathDecay());
    }

    @ParameterizedTest
    @MethodSource("goldenConfigs")
    void everyGoldenConfigRoundTrips(Path file) throws Exception {
        ViLConfig c = ModelConfigs.fromReferenceJson(file);
        assertEquals(c, ModelConfigs.fromReferenceJson(ModelConfigs.toReferenceJson(c), "written"));

        // the arguments we write are the golden ones, except the seed (not part of the model)
        Map<String, Object> golden = new LinkedHashMap<>(JSON.readValue(file.toFile(), Map.class));
        golden.remove("seed");
        assertEquals(golden, ModelConfigs.toReferenceJsonMap(c));
        assertEquals(List.copyOf(golden.keySet()), List.copyOf(ModelConfigs.toReferenceJsonMap(c).keySet()));
    }

    @ParameterizedTest
    @MethodSource("goldenConfigs")
    void writtenJsonIsLaidOutLikeTheGoldenFile(Path file) throws Exception {
        String golden = Files.readString(file).replaceFirst(",\\n  \"seed\": \\d+\\n", "\n");
        assertEquals(golden, ModelConfigs.toReferenceJson(ModelConfigs.fromReferenceJson(file)));
    }

    @Test
    void missingKeysTakeTheReferenceDefaults() {
        ViLConfig c = ModelConfigs.fromReferenceJson("{}", "empty.json");
        assertEquals(ViLConfig.builder().build(), c);
        assertEquals(192, c.dim());
        assertEquals(12, c.depth());
        assertEquals(16, c.patchSize());
        assertEquals(List.of(3, 224, 224), List.of(c.channels(), c.height(), c.width()));
        assertEquals(1000, c.numClasses());
        assertEquals(Pooling.BILATERAL_FLATTEN, c.pooling());
        assertFalse(c.legacyNorm());
    }

    @Test
    void acceptsTheReferenceSpellingsOfPatchAndStride() {
        ViLConfig c = ModelConfigs.fromReferenceJson(
                "{\"patch_size\": [8, 8], \"stride\": [8, 8], \"input_shape\": [3, 32, 32], \"seed\": 7}", "t.json");
        assertEquals(8, c.patchSize());
        assertEquals(8, ModelConfigs.fromReferenceJson("{\"patch_size\": 8, \"stride\": 8, \"input_shape\": [3,32,32]}", "t")
                .patchSize());
    }

    @Test
    void convKernelSizeIsAcceptedAndIgnoredLikeTheReference() {
        ViLConfig c = ModelConfigs.fromReferenceJson("{\"conv_kernel_size\": 5}", "t.json");
        assertEquals(3, ModelConfigs.toReferenceJsonMap(c).get("conv_kernel_size"));
    }

    @Test
    void unknownKeyIsNamedWithASuggestion() {
        ConfigException e = fails("{\"dim\": 64, \"dimm\": 3}");
        assertEquals("bad.json: dimm: unknown key (did you mean 'dim'?)", e.getMessage());
        assertEquals("dimm", e.key().orElseThrow());
        // num_classes is a HOCON spelling, not a VisionLSTM2 argument
        assertTrue(fails("{\"num_classes\": 10}").getMessage().contains("num_classes: unknown key"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"dim\": \"x\"}                           | dim",
            "{\"dim\": -2}                              | dim",
            "{\"dim\": 63}                              | dim",
            "{\"dim\": 192.0}                           | dim",
            "{\"dim\": null}                            | dim",
            "{\"depth\": 0}                             | depth",
            "{\"input_shape\": [3, 224]}                | input_shape",
            "{\"input_shape\": \"3,224,224\"}           | input_shape",
            "{\"input_shape\": [2, 224, 224]}           | input_shape",
            "{\"patch_size\": 16, \"input_shape\": [3, 100, 100]} | input_shape",
            "{\"patch_size\": [8, 4]}                   | patch_size",
            "{\"stride\": 8}                            | stride",
            "{\"output_shape\": 10}                     | output_shape",
            "{\"output_shape\": [10, 2]}                | output_shape",
            "{\"pooling\": \"max\"}                     | pooling",
            "{\"pooling\": null}                        | pooling",
            "{\"mode\": \"features\"}                   | mode",
            "{\"conv_kind\": \"causal1d\"}              | conv_kind",
            "{\"conv_kind\": \"3d\"}                    | conv_kind",
            "{\"legacy_norm\": \"yes\"}                 | legacy_norm",
            "{\"drop_path_rate\": 1.5}                  | drop_path_rate",
            "{\"init_weights\": \"torch\"}              | init_weights",
            "{\"seed\": \"one\"}                        | seed",
    })
    void badValueIsNamed(String json, String key) {
        ConfigException e = fails(json);
        assertEquals(key, e.key().orElseThrow(), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.json: " + key + ": "), e.getMessage());
    }

    @Test
    void messagesSayWhatWasExpected() {
        assertEquals("bad.json: dim: expected a positive even integer, got \"abc\"",
                fails("{\"dim\": \"abc\"}").getMessage());
        assertTrue(fails("{\"mode\": \"features\"}").getMessage().contains("not supported yet"));
        assertTrue(fails("{\"conv_kind\": \"causal1d\"}").getMessage().contains("\"causal1d\" is not supported"));
        // ViLConfig's own message is kept
        assertTrue(fails("{\"input_shape\": [3, 100, 100]}").getMessage()
                .contains("must be a positive multiple of patch_size 16"));
    }

    @Test
    void malformedJsonIsReportedWithItsLine() {
        ConfigException e = fails("{\n\"dim\": 64,\n}");
        assertTrue(e.getMessage().startsWith("bad.json:3: not valid JSON"), e.getMessage());
        assertTrue(fails("[1, 2]").getMessage().contains("expected a JSON object"));
        assertTrue(fails("{\"dim\": 64, \"dim\": 32}").getMessage().contains("dim"));
    }

    @Test
    void unreadableFileNamesTheFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ModelConfigs.fromReferenceJson(Path.of("no/such/config.json")));
        assertTrue(e.getMessage().startsWith("no/such/config.json: cannot read"), e.getMessage());
    }

    private static ConfigException fails(String json) {
        return assertThrows(ConfigException.class, () -> ModelConfigs.fromReferenceJson(json, "bad.json"));
    }
}
