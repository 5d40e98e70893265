package io.vilspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vilspark.model.Pooling;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.ReferenceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelConfigResolveTest {
    @ParameterizedTest
    @CsvSource({"vil2-tiny, 192", "vil2-small, 384", "vil2-base, 768"})
    void officialPresets(String name, int dim) {
        ViLConfig c = ModelConfigs.resolve(name, List.of());
        assertEquals(dim, c.dim());
        assertEquals(12, c.depth());
        assertEquals(16, c.patchSize());
        assertEquals(List.of(3, 224, 224), List.of(c.channels(), c.height(), c.width()));
        assertEquals(1000, c.numClasses());
        assertEquals(Pooling.BILATERAL_FLATTEN, c.pooling());
        assertTrue(c.legacyNorm());
    }

    @Test
    void vil2TinyPresetIsTheGoldenVil2TinyCase() {
        assertEquals(ModelConfigs.fromReferenceJson(ReferenceFiles.dir().resolve("vil2_tiny/config.json")),
                ModelConfigs.resolve("vil2-tiny", List.of()));
    }

    @Test
    void demoPreset() {
        ViLConfig c = ModelConfigs.resolve("demo", List.of());
        assertEquals(64, c.dim());
        assertEquals(3, c.depth());
        assertEquals(4, c.patchSize());
        assertEquals(List.of(1, 28, 28), List.of(c.channels(), c.height(), c.width()));
        assertEquals(10, c.numClasses());
        assertEquals(Pooling.BILATERAL_FLATTEN, c.pooling());
    }

    @Test
    void everyListedPresetLoads() {
        assertTrue(ModelPresets.names().containsAll(ModelPresets.BUILT_IN));
        for (String name : ModelPresets.names()) {
            ModelConfigs.resolve(name, List.of());
        }
    }

    @Test
    void overridesApplyOnTopOfThePreset() {
        ViLConfig c = ModelConfigs.resolve("vil2-tiny", List.of("dim=96", "input_shape=[1,32,32]", "pooling=bilateral_avg"));
        assertEquals(96, c.dim());
        assertEquals(List.of(1, 32, 32), List.of(c.channels(), c.height(), c.width()));
        assertEquals(Pooling.BILATERAL_AVG, c.pooling());
        assertEquals(12, c.depth());
        // the later override wins; the model. prefix is optional
        assertEquals(128, ModelConfigs.resolve("demo", List.of("dim=96", "model.dim=128")).dim());
    }

    @Test
    void classCountCanBeOverriddenInEitherSpelling() {
        assertEquals(100, ModelConfigs.resolve("vil2-small", List.of("num_classes=100")).numClasses());
        assertEquals(100, ModelConfigs.resolve("vil2-small", List.of("output_shape=[100]")).numClasses());
    }

    @Test
    void unknownOverrideKeyIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve("demo", List.of("dimm=96")));
        assertEquals("command-line override 'dimm=96': model.dimm: unknown key (did you mean 'model.dim'?)",
                e.getMessage());
    }

    @Test
    void badOverrideValueIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve("demo", List.of("dim=abc")));
        assertEquals("command-line override 'dim=abc': model.dim: expected a positive even integer, got \"abc\"",
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve("demo", List.of("patch_size=16")));
        assertEquals("model.input_shape", e.key().orElseThrow(), e.getMessage());
    }

    @Test
    void malformedOverrideIsReported() {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve("demo", List.of("dim")));
        assertTrue(e.getMessage().startsWith("command-line override 'dim': dim: expected key=value"), e.getMessage());
        assertThrows(ConfigException.class, () -> ModelConfigs.resolve("demo", List.of("input_shape=[1,28")));
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve("vil2-huge", List.of()));
        assertTrue(e.getMessage().contains("unknown model preset 'vil2-huge'"), e.getMessage());
        for (String name : ModelPresets.BUILT_IN) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void referenceJsonFileWithOverrides() {
        String file = ReferenceFiles.dir().resolve("mono28_avg/config.json").toString();
        ViLConfig plain = ModelConfigs.resolve(file, List.of());
        assertEquals(48, plain.dim());
        ViLConfig changed = ModelConfigs.resolve(file, List.of("dim=96", "num_classes=5"));
        assertEquals(plain.toBuilder().dim(96).numClasses(5).build(), changed);
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve(file, List.of("dpeth=3")));
        assertTrue(e.getMessage().contains("model.dpeth: unknown key (did you mean 'model.depth'?)"), e.getMessage());
    }

    @Test
    void hoconFileModelBlock(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, String.join("\n",
                "# a job file: other blocks are the jobs' business",
                "train { epochs = 3 }",
                "base_dim = 32",
                "model {",
                "  dim = ${base_dim}",
                "  depth = 1",
                "  patch_size = 8",
                "  input_shape = [3, 32, 32]",
                "  num_classes = 10",
                "}", ""));
        ViLConfig c = ModelConfigs.resolve(file.toString(), List.of());
        assertEquals(32, c.dim());
        assertEquals(1, c.depth());
        assertEquals(64, ModelConfigs.resolve(file.toString(), List.of("dim=64")).dim());
        assertEquals(c, ModelConfigs.resolve(file.toUri().toString(), List.of()));
    }

    @Test
    void hoconFileErrorsNameFileAndKey(@TempDir Path dir) throws Exception {
        Path noModel = dir.resolve("no-model.conf");
        Files.writeString(noModel, "train { epochs = 3 }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve(noModel.toString(), List.of()));
        assertEquals(noModel + ": model: no model { ... } block", e.getMessage());

        Path typo = dir.resolve("typo.conf");
        Files.writeString(typo, "model {\n  dim = 64\n  legacy_nrom = true\n}\n");
        e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve(typo.toString(), List.of()));
        assertEquals(typo + ":3: model.legacy_nrom: unknown key (did you mean 'model.legacy_norm'?)", e.getMessage());

        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "model {\n  dim = = 64\n}\n");
        e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve(broken.toString(), List.of()));
        assertTrue(e.getMessage().startsWith(broken.toString()), e.getMessage());

        e = assertThrows(ConfigException.class, () -> ModelConfigs.resolve(dir.resolve("absent.conf").toString(), List.of()));
        assertTrue(e.getMessage().contains("absent.conf: no such file"), e.getMessage());
    }

    @Test
    void nonLocalPathsAreRefusedClearly() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ModelConfigs.resolve("hdfs://nn/models/m.conf", List.of()));
        assertTrue(e.getMessage().contains("local file system"), e.getMessage());
        assertFalse(e.getMessage().contains("preset"), e.getMessage());
    }
}
