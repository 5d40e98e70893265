package io.vilspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vilspark.model.Pooling;
import io.vilspark.model.ViLConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HoconModelConfigTest {
    @Test
    void readsAModelBlock() {
        ViLConfig c = fromHocon("dim = 48, depth = 2, patch_size = 4, input_shape = [1, 28, 28], num_classes = 10,"
                + " pooling = bilateral_avg, legacy_norm = true, drop_path_rate = 0.1, drop_path_decay = true");
        assertEquals(48, c.dim());
        assertEquals(2, c.depth());
        assertEquals(4, c.patchSize());
        assertEquals(1, c.channels());
        assertEquals(10, c.numClasses());
        assertEquals(Pooling.BILATERAL_AVG, c.pooling());
        assertTrue(c.legacyNorm());
        assertEquals(0.1, c.dropPathRate());
        assertTrue(c.dropPathDecay());
    }

    @Test
    void outputShapeIsTheOtherSpellingOfNumClasses() {
        assertEquals(10, fromHocon("output_shape = [10]").numClasses());
        assertEquals(10, fromHocon("output_shape = [10], num_classes = 10").numClasses());
        ConfigException e = assertThrows(ConfigException.class, () -> fromHocon("output_shape = [10], num_classes = 5"));
        assertEquals("model.num_classes", e.key().orElseThrow());
    }

    @Test
    void referenceArgumentsAreAcceptedToo() {
        // a config.json body pasted into model { } reads the same
        ViLConfig c = fromHocon("mode = classifier, stride = null, conv_kind = 2d, conv_kernel_size = 3,"
                + " init_weights = original, patch_size = [16, 16]");
        assertEquals(ViLConfig.builder().build(), c);
    }

    @Test
    void stringsConvertAsTypesafeConfigDoes() {
        // what ${?VIL_DIM} substitutes is always a string
        ViLConfig c = fromHocon("dim = \"96\", legacy_norm = \"yes\", input_shape = [\"3\", 224, 224]");
        assertEquals(96, c.dim());
        assertTrue(c.legacyNorm());
    }

    @Test
    void unknownKeyIsNamedWithFileLineAndSuggestion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-model.conf");
        Files.writeString(file, "# my model\nmodel {\n  dim = 64\n  dimm = 3\n}\n");
        Config section = ConfigFactory.parseFile(file.toFile()).getConfig("model");
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.fromHocon(section, file.toString()));
        assertEquals(file + ":4: model.dimm: unknown key (did you mean 'model.dim'?)", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "numClasses = 10        | model.numClasses | model.num_classes",
            "depht = 3              | model.depht      | model.depth",
            "patch = 8              | model.patch      | model.patch_size",
            "seed = 1               | model.seed       | ",
            "head { dim = 3 }       | model.head       | ",
    })
    void unknownKeysAreRefused(String hocon, String key, String suggestion) {
        ConfigException e = assertThrows(ConfigException.class, () -> fromHocon(hocon));
        assertEquals(key, e.key().orElseThrow());
        if (suggestion != null) {
            assertTrue(e.getMessage().endsWith("(did you mean '" + suggestion + "'?)"), e.getMessage());
        } else {
            assertTrue(e.getMessage().endsWith("unknown key"), e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dim = -2                                   | model.dim",
            "dim = abc                                  | model.dim",
            "dim = [64]                                 | model.dim",
            "input_shape = [3, 224]                     | model.input_shape",
            "pooling = max                              | model.pooling",
            "conv_kind = causal1d                       | model.conv_kind",
            "patch_size = 16, input_shape = [3, 100, 100] | model.input_shape",
            "num_classes = 0                            | model.num_classes",
            "legacy_norm = 1                            | model.legacy_norm",
    })
    void badValuesAreNamed(String hocon, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> fromHocon(hocon));
        assertEquals(key, e.key().orElseThrow(), e.getMessage());
        assertTrue(e.getMessage().contains(key + ": "), e.getMessage());
    }

    @Test
    void unresolvedSubstitutionIsReported() {
        Config section = ConfigFactory.parseString("dim = ${nowhere}");
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.fromHocon(section, "s"));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    private static ViLConfig fromHocon(String body) {
        return ModelConfigs.fromHocon(ConfigFactory.parseString(body), "test");
    }
}
