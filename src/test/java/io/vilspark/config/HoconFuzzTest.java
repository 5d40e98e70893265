package io.vilspark.config;

import io.vilspark.data.prepare.PrepareSettings;
import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.fuzz.HoconMutation;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.train.RecipeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HOCON configuration files from the outside, through the three ways a user's file is read: a
 * training recipe ({@link RecipeFile}), a job configuration with its settings ({@code vil prepare
 * --config}), and a model file ({@link ModelConfigs#resolve}). Each accepts the file or refuses it
 * with a ConfigException; no Typesafe exception, no stack overflow, no hang.
 */
@IntegrationTest
class HoconFuzzTest {

    @TempDir
    Path tmp;

    @Test
    void mutatedConfigurationsAreLoadedOrRefusedByKey() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String f : List.of("recipes/demo.conf", "recipes/vil2-tiny-imagenet.conf", "jobs/fashion-mnist-prepare.conf",
                "jobs/prepare.conf", "models/demo.conf", "models/vil2-tiny.conf")) {
            seeds.add(Files.readAllBytes(Path.of("conf", f)));
        }
        FuzzCampaign.Result result = FuzzCampaign.named("hocon")
                .seeds(seeds)
                .generator((s, random) -> HoconMutation.mutate(s.get(random.nextInt(s.size())), random))
                .allow(ConfigException.class)
                .fileSuffix(".conf")
                .iterations(800)
                .run(tmp, (bytes, file) -> {
                    List<ConfigException> refusals = new ArrayList<>();
                    int accepted = 0;
                    for (ConfigReader reader : List.<ConfigReader>of(
                            f -> RecipeFile.load(f.toString(), List.of()),
                            f -> PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS, Optional.of(f), List.of())),
                            f -> ModelConfigs.resolve(f.toString(), List.of()))) {
                        try {
                            reader.read(file);
                            accepted++;
                        } catch (ConfigException e) {
                            refusals.add(e);
                        }
                    }
                    if (accepted == 0) {
                        throw refusals.get(0);
                    }
                });
        result.assertBothOutcomes();
    }

    @FunctionalInterface
    private interface ConfigReader {
        Object read(Path file);
    }
}
