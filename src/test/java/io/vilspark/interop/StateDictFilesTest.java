package io.vilspark.interop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vilspark.testing.ReferenceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictFilesTest {

    @TempDir
    Path tmp;

    @Test
    void allThreeReferenceFormsGiveTheSameStateDict() throws IOException {
        LinkedHashMap<String, Tensor> safetensors = StateDictFiles.read(ReferenceFiles.file("tiny_rgb32/weights.safetensors"));
        TorchCheckpointReaderTest.assertBitwiseEqual(safetensors,
                StateDictFiles.read(ReferenceFiles.file("tiny_rgb32/checkpoint.th")));
        LinkedHashMap<String, Tensor> official = StateDictFiles.read(
                ReferenceFiles.file("tiny_rgb32_official_layout/checkpoint.th"));
        official.remove("legacy_norm.weight");
        official.remove("legacy_norm.bias");
        TorchCheckpointReaderTest.assertBitwiseEqual(safetensors, official);
    }

    @Test
    void contentDecidesTheFormatNotTheFileName() throws IOException {
        Path disguised = tmp.resolve("weights.bin");
        Files.copy(ReferenceFiles.file("mono28_avg/checkpoint.th"), disguised);
        TorchCheckpointReaderTest.assertBitwiseEqual(
                StateDictFiles.read(ReferenceFiles.file("mono28_avg/weights.safetensors")), StateDictFiles.read(disguised));
    }

    private CheckpointFormatException refused(byte[] bytes) throws IOException {
        Path file = tmp.resolve("unknown.bin");
        Files.write(file, bytes);
        return assertThrows(CheckpointFormatException.class, () -> StateDictFiles.read(file));
    }

    @Test
    void otherFilesAreRefusedWithAClearMessage() throws IOException {
        assertTrue(refused(Files.readAllBytes(ReferenceFiles.file("tiny_rgb32/logits.npy"))).getMessage().contains(".npy"));
        assertTrue(refused(new byte[] {(byte) 0x80, 2, (byte) 0x8a, 0x0a, 'l', (byte) 0xfc, (byte) 0x9c, 'F'})
                .getMessage().contains("legacy"));
        assertTrue(refused("hello world, this is text".getBytes()).getMessage().contains("neither"));
        refused(new byte[0]);
        refused(new byte[] {'P', 'K', 3, 4});
        refused(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, '{'});
    }
}
