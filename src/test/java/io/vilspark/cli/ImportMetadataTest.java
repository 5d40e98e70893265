package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.vilspark.config.ModelConfigs;
import io.vilspark.interop.importer.Provenance;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import io.vilspark.testing.CliRun;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code vil import} records beside the weights. */
class ImportMetadataTest {

    @TempDir
    Path tmp;

    @Test
    void rgbModelGetsImageNetNormalisationAndProvenance() throws IOException {
        Path dir = CliRun.reference("tiny_rgb32");
        Path checkpoint = dir.resolve("checkpoint.th");
        String out = tmp.resolve("models/tiny.zip").toUri().toString();   // a Hadoop URI, folder created
        CliRun run = CliRun.of("import", "--checkpoint", checkpoint.toString(), "--config",
                dir.resolve("config.json").toString(), "--out", out);
        assertEquals(0, run.exitCode(), run::toString);

        ModelMetadata meta = ModelFile.read(out, false, new Configuration()).metadata();
        assertEquals(ModelMetadata.IMAGENET_MEAN, meta.mean());
        assertEquals(ModelMetadata.IMAGENET_STD, meta.std());
        assertEquals(List.of(), meta.classNames());
        assertEquals(ModelConfigs.toReferenceJsonMap(ModelConfigs.fromReferenceJson(dir.resolve("config.json"))),
                meta.config());
        String sha256 = Provenance.sha256(checkpoint);
        assertEquals(sha256, meta.provenance().get("source_sha256"));
        assertEquals(checkpoint.toString(), meta.provenance().get("source"));
        assertTrue(String.valueOf(meta.provenance().get("command")).startsWith("vil import --checkpoint"));
        assertTrue(run.out().contains("sha256      " + sha256), run::toString);
        try (var files = Files.list(tmp.resolve("models"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("_tmp")), "temporary file left behind");
        }
    }
}
