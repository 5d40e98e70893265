package io.vilspark.interop;

import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.fuzz.HeaderMutation;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.ReferenceFiles;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors from the outside: mutated JSON headers (length fixed up or stale) and mutated bytes anywhere. */
@IntegrationTest
class SafetensorsFuzzTest {

    /** The JSON header sits after the 8-byte little-endian length. */
    static final HeaderMutation.Layout LAYOUT = new HeaderMutation.Layout() {
        @Override
        public int headerStart(byte[] file) {
            return 8;
        }

        @Override
        public int headerEnd(byte[] file) {
            long length = file.length < 8 ? -1 : ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return length < 0 || length > file.length - 8 ? -1 : 8 + (int) length;
        }

        @Override
        public byte[] withLength(byte[] file, int length) {
            byte[] out = file.clone();
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
            return out;
        }
    };

    @TempDir
    Path tmp;

    @Test
    void mutatedSafetensorsGiveTensorsOrCheckpointFormatException() throws Exception {
        Map<String, Tensor> small = new LinkedHashMap<>();
        small.put("a", Tensor.ofFloat32(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        small.put("b", Tensor.ofFloat32(new long[] {1}, new float[] {7}));
        ByteArrayOutputStream smallFile = new ByteArrayOutputStream();
        SafetensorsFile.write(smallFile, small, Map.of("format", "pt"));
        List<byte[]> seeds = List.of(smallFile.toByteArray(),
                Files.readAllBytes(ReferenceFiles.file("tiny_rgb32/weights.safetensors")));
        FuzzCampaign.Result result = FuzzCampaign.named("safetensors")
                .seeds(seeds)
                .generator((s, random) -> random.nextInt(3) == 0 ? FuzzCampaign.byteMutation(s, random)
                        : HeaderMutation.mutate(s.get(random.nextInt(s.size())), LAYOUT, random))
                .allow(CheckpointFormatException.class)
                .fileSuffix(".safetensors")
                .iterations(1000)
                .run(tmp, (input, file) -> {
                    SafetensorsFile.read(file);
                    if (input.length > 8 && input[8] == '{') {
                        StateDictFiles.read(file);
                    }
                });
        result.assertRefusedAtLeast(0.5);
        result.assertBothOutcomes();
    }
}
