package io.vilspark.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vilspark.model.Pooling;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelFileTest {
    @TempDir
    Path dir;

    private final Configuration hadoop = new Configuration();

    private static ModelMetadata metadata(ViLConfig config) {
        return new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.VERSION, config.toReferenceArguments(),
                List.of(0.5), List.of(0.25), List.of("a", "b", "c"), Map.of("source", "test"));
    }

    @Test
    void roundTripGivesIdenticalOutputsAndMetadata() throws Exception {
        ViLConfig config = ViLConfig.builder().dim(8).depth(2).patchSize(4).inputShape(1, 8, 12).numClasses(3)
                .pooling(Pooling.BILATERAL_AVG).legacyNorm(true).build();
        ViLModel model = ViLModel.create(config, 5);
        model.graph().params().addi(Nd4j.randn(DataType.FLOAT, model.graph().params().shape()).muli(0.1));
        String target = "file:" + dir.resolve("sub/model.zip");
        ModelFile.write(target, model, metadata(config), false, hadoop);

        ModelFile.Loaded loaded = ModelFile.read(target, false, hadoop);
        assertEquals(config, loaded.model().config());
        assertEquals(List.of("a", "b", "c"), loaded.metadata().classNames());
        assertEquals(List.of(0.25), loaded.metadata().std());
        INDArray images = Nd4j.randn(DataType.FLOAT, 3, 1, 8, 12);
        assertEquals(model.logits(images), loaded.model().logits(images));
        assertEquals(model.features(images), loaded.model().features(images));
        try (var files = Files.list(dir.resolve("sub"))) {
            // Hadoop's local file system keeps a .model.zip.crc checksum beside the file
            assertEquals(List.of("model.zip"), files.map(p -> p.getFileName().toString())
                            .filter(n -> !n.endsWith(".crc")).toList(),
                    "no temporary files left beside the model");
        }
    }

    @Test
    void damagedOrForeignFilesAreRefusedClearly() throws Exception {
        Path notZip = dir.resolve("junk.zip");
        Files.writeString(notZip, "this is not a model");
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(notZip.toString(), false, hadoop));
        assertTrue(e.getMessage().contains("junk.zip"), e.getMessage());

        ModelFileException missing = assertThrows(ModelFileException.class,
                () -> ModelFile.read(dir.resolve("none.zip").toString(), false, hadoop));
        assertTrue(missing.getMessage().contains("no such model file"), missing.getMessage());

        ViLConfig config = ViLConfig.builder().dim(8).depth(1).patchSize(4).inputShape(1, 8, 8).numClasses(2).build();
        Path good = dir.resolve("good.zip");
        ModelFile.write(good.toString(), ViLModel.create(config, 1), metadata(config), false, hadoop);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        ModelFileException t = assertThrows(ModelFileException.class, () -> ModelFile.read(truncated.toString(), false, hadoop));
        assertTrue(t.getMessage().contains("truncated.zip"), t.getMessage());
    }
}
