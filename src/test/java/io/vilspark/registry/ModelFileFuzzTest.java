package io.vilspark.registry;

import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.fuzz.ZipRepacker;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import io.vilspark.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files (DL4J's model zip plus vil-metadata.json) from the outside: entries mutated and
 * re-zipped (the metadata JSON, DL4J's configuration JSON, the coefficients) and whole-file byte
 * mutations. A file loads or is refused with a ModelFileException that names it. Fewer inputs than
 * the other campaigns: each read builds a network.
 */
@IntegrationTest
class ModelFileFuzzTest {

    @TempDir
    Path tmp;

    @Test
    void mutatedModelFilesLoadOrAreRefusedByName() throws Exception {
        ViLConfig config = ViLConfig.builder().dim(8).depth(1).patchSize(4).inputShape(1, 8, 8).numClasses(2).build();
        Path good = tmp.resolve("good.zip");
        Configuration hadoop = new Configuration();
        ModelFile.write(good.toString(), ViLModel.create(config, 1), new ModelMetadata(ModelMetadata.FORMAT,
                ModelMetadata.VERSION, config.toReferenceArguments(), List.of(0.5), List.of(0.25), List.of("a", "b"),
                Map.of("source", "test")), false, hadoop);
        byte[] seed = Files.readAllBytes(good);
        String[] favourites = {ModelFile.METADATA_ENTRY, "configuration.json", "coefficients.bin"};
        FuzzCampaign.Result result = FuzzCampaign.named("model-file")
                .seeds(List.of(seed))
                .generator((s, random) -> random.nextInt(4) == 0 ? FuzzCampaign.byteMutation(s, random)
                        : ZipRepacker.mutateEntry(s.get(0), favourites[random.nextInt(favourites.length)], random))
                .allow(ModelFileException.class)
                .fileSuffix(".zip")
                .iterations(400)
                .timeoutMillis(30_000)
                .run(tmp, (bytes, file) -> ModelFile.read(file.toString(), false, hadoop));
        result.assertBothOutcomes();
        ZipRepacker.assertNothingEscaped(tmp);
    }
}
