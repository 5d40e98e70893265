package io.vilspark.interop;

import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.fuzz.ZipRepacker;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.PickleBytes;
import io.vilspark.testing.ReferenceFiles;
import io.vilspark.testing.ZipFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Torch zip checkpoints from the outside: mutated pickles re-zipped (so the unpickler, not the zip
 * layer, sees them), mutated storages, entries renamed to escaping names, and mutations of the whole
 * archive's bytes (headers, sizes, central directory). Only success or CheckpointFormatException.
 * The plain byte flips of {@link TorchCheckpointReaderTest} stay there as the quick regression.
 */
@IntegrationTest
class TorchCheckpointFuzzTest {

    @TempDir
    Path tmp;

    @Test
    void mutatedCheckpointsGiveAStateDictOrCheckpointFormatException() throws Exception {
        List<byte[]> seeds = List.of(
                Files.readAllBytes(ReferenceFiles.file("tiny_rgb32/checkpoint.th")),
                Files.readAllBytes(ReferenceFiles.file("tiny_rgb32_official_layout/checkpoint.th")),
                ZipRepacker.pack(ZipFixtures.checkpoint(new PickleBytes().proto2().emptyDict().mark()
                        .tensorEntry("w", "FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
                        .op('u').stop().bytes(), java.util.Map.of("0", ZipFixtures.floatsLE(1f, 2f))), false));
        FuzzCampaign.Result result = FuzzCampaign.named("torch-checkpoint")
                .seeds(seeds)
                .generator((s, random) -> {
                    byte[] seed = s.get(random.nextInt(s.size()));
                    return random.nextInt(5) == 0 ? FuzzCampaign.byteMutation(s, random)
                            : ZipRepacker.mutateEntry(seed, "/data.pkl", random);
                })
                .allow(CheckpointFormatException.class)
                .fileSuffix(".th")
                .iterations(600)
                .run(tmp, (input, file) -> StateDictFiles.read(file));
        result.assertRefusedAtLeast(0.5);
        ZipRepacker.assertNothingEscaped(tmp);
        result.assertBothOutcomes();
    }
}
