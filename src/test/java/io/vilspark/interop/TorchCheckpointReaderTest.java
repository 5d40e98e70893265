package io.vilspark.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import io.vilspark.testing.PickleBytes;
import io.vilspark.testing.ReferenceFiles;
import io.vilspark.testing.ZipFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchCheckpointReaderTest {

    @TempDir
    Path tmp;

    /** Same keys in the same order, same shapes, bit-identical floats. */
    static void assertBitwiseEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor a = e.getValue();
            Tensor b = actual.get(e.getKey());
            assertEquals(a.dtype(), b.dtype(), e.getKey());
            assertArrayEquals(a.shape(), b.shape(), e.getKey());
            float[] x = (float[]) a.data();
            float[] y = (float[]) b.data();
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    throw new AssertionError(e.getKey() + "[" + i + "]: " + x[i] + " != " + y[i]);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_rgb32", "mono28_avg"})
    void checkpointHoldsExactlyTheSafetensorsWeights(String caseName) throws IOException {
        LinkedHashMap<String, Tensor> fromTorch = TorchCheckpointReader.readStateDict(
                ReferenceFiles.file(caseName + "/checkpoint.th"));
        LinkedHashMap<String, Tensor> fromSafetensors = SafetensorsFile.read(
                ReferenceFiles.file(caseName + "/weights.safetensors"));
        assertBitwiseEqual(fromSafetensors, fromTorch);
        assertEquals(ReferenceFiles.parameterOrder(caseName), new ArrayList<>(fromTorch.keySet()));
    }

    @Test
    void officialLayoutCheckpointMapsOntoTheVisionLstm2Weights() throws IOException {
        LinkedHashMap<String, Tensor> official = TorchCheckpointReader.readStateDict(
                ReferenceFiles.file("tiny_rgb32_official_layout/checkpoint.th"));
        assertTrue(official.containsKey("xlstm.blocks.3.xlstm.mlstm_cell.fgate.bias"));
        LinkedHashMap<String, Tensor> renamed = OfficialKeyNames.toVisionLstm2Names(official);

        Set<String> expectedKeys = new HashSet<>(ReferenceFiles.parameterOrder("tiny_rgb32"));
        expectedKeys.add("legacy_norm.weight");
        expectedKeys.add("legacy_norm.bias");
        assertEquals(expectedKeys, renamed.keySet());

        LinkedHashMap<String, Tensor> weights = SafetensorsFile.read(ReferenceFiles.file("tiny_rgb32/weights.safetensors"));
        LinkedHashMap<String, Tensor> common = new LinkedHashMap<>();
        weights.keySet().forEach(k -> common.put(k, renamed.get(k)));
        assertBitwiseEqual(weights, common);
        // legacy_norm acts on the pooled features: bilateral_flatten gives 2 * dim
        assertArrayEquals(new long[] {64}, renamed.get("legacy_norm.weight").shape());
    }

    // ---- hand-made checkpoints: views, sharing, wrappers, dtypes ----

    private Path checkpoint(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path file = tmp.resolve("made.th");
        ZipFixtures.write(file, ZipFixtures.checkpoint(pickle, storages));
        return file;
    }

    /** {'state_dict': {entries...}} where the entries are written by {@code body}. */
    private static byte[] wrapped(java.util.function.Consumer<PickleBytes> body) {
        PickleBytes p = new PickleBytes().proto2().emptyDict().str("state_dict").emptyDict().mark();
        body.accept(p);
        return p.op('u').op('s').stop().bytes();
    }

    @Test
    void viewsAndNonContiguousStridesAreGathered() throws IOException {
        float[] storage = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        byte[] pickle = wrapped(p -> p
                .tensorEntry("whole", "FloatStorage", "0", 12, 0, new long[] {3, 4}, new long[] {4, 1})
                .tensorEntry("transposed", "FloatStorage", "0", 12, 0, new long[] {4, 3}, new long[] {1, 4})
                .tensorEntry("row1", "FloatStorage", "0", 12, 4, new long[] {4}, new long[] {1})
                .tensorEntry("everyOther", "FloatStorage", "0", 12, 1, new long[] {2, 2}, new long[] {6, 2})
                .tensorEntry("again", "FloatStorage", "0", 12, 0, new long[] {12}, new long[] {1})
                .tensorEntry("scalar", "FloatStorage", "0", 12, 11, new long[] {}, new long[] {})
                .tensorEntry("empty", "FloatStorage", "0", 12, 0, new long[] {0, 4}, new long[] {4, 1})
                .tensorEntry("broadcast", "FloatStorage", "0", 12, 2, new long[] {2, 3}, new long[] {0, 1}));
        Map<String, Tensor> sd = TorchCheckpointReader.readStateDict(
                checkpoint(pickle, Map.of("0", ZipFixtures.floatsLE(storage))));
        assertArrayEquals(storage, sd.get("whole").toFloatArray());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, sd.get("transposed").toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6, 7}, sd.get("row1").toFloatArray());
        assertArrayEquals(new float[] {1, 3, 7, 9}, sd.get("everyOther").toFloatArray());
        assertArrayEquals(storage, sd.get("again").toFloatArray());
        assertNotSame(sd.get("whole").data(), sd.get("again").data(), "tensors on one storage must not share an array");
        assertArrayEquals(new float[] {11}, sd.get("scalar").toFloatArray());
        assertArrayEquals(new long[] {}, sd.get("scalar").shape());
        assertEquals(0, sd.get("empty").numel());
        assertArrayEquals(new float[] {2, 3, 4, 2, 3, 4}, sd.get("broadcast").toFloatArray());
    }

    @Test
    void acceptsAPlainStateDictAModelWrapperParametersAndDoubles() throws IOException {
        byte[] plain = new PickleBytes().proto2().emptyDict().mark()
                .tensorEntry("w", "FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1}).op('u').stop().bytes();
        assertArrayEquals(new float[] {1, 2},
                TorchCheckpointReader.readStateDict(checkpoint(plain, Map.of("0", ZipFixtures.floatsLE(1, 2))))
                        .get("w").toFloatArray());

        PickleBytes model = new PickleBytes().proto2().emptyDict().str("epoch").integer(3).op('s')
                .str("model").emptyDict().str("p").global("torch._utils", "_rebuild_parameter").mark()
                .global("torch._utils", "_rebuild_tensor_v2").mark();
        model.mark().str("storage").global("torch", "DoubleStorage").str("0").str("cpu").integer(1).op('t').op('Q')
                .integer(0).tupleOf(1).tupleOf(1).op(0x89).global("collections", "OrderedDict").emptyTuple().op('R')
                .op('t').op('R');
        model.op(0x88).global("collections", "OrderedDict").emptyTuple().op('R').op('t').op('R');
        byte[] pickle = model.op('s').op('s').stop().bytes();
        byte[] oneDouble = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).array();
        Tensor p = TorchCheckpointReader.readStateDict(checkpoint(pickle, Map.of("0", oneDouble))).get("p");
        assertEquals(Tensor.FLOAT64, p.dtype());
        assertArrayEquals(new float[] {0.25f}, p.toFloatArray());
    }

    @Test
    void integerTensorsOutsideTheStateDictDoNotMatter() throws IOException {
        PickleBytes p = new PickleBytes().proto2().emptyDict().mark()
                .str("step").global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark().str("storage").global("torch", "LongStorage").str("1").str("cpu").integer(1).op('t').op('Q')
                .integer(0).tupleOf().tupleOf().op(0x89).global("collections", "OrderedDict").emptyTuple().op('R')
                .op('t').op('R');
        p.str("state_dict").emptyDict().mark()
                .tensorEntry("w", "FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}).op('u');
        byte[] pickle = p.op('u').stop().bytes();
        Map<String, Tensor> sd = TorchCheckpointReader.readStateDict(checkpoint(pickle,
                Map.of("0", ZipFixtures.floatsLE(5), "1", new byte[8])));
        assertEquals(List.of("w"), new ArrayList<>(sd.keySet()));
    }

    // ---- hostile checkpoints ----

    private CheckpointFormatException refused(Path file) {
        CheckpointFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(CheckpointFormatException.class, () -> TorchCheckpointReader.readStateDict(file)));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e;
    }

    private CheckpointFormatException refused(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        return refused(checkpoint(pickle, storages));
    }

    @ParameterizedTest
    @ValueSource(strings = {"os system", "builtins eval", "__builtin__ getattr", "subprocess Popen", "nt system"})
    void picklesNamingDangerousGlobalsAreRefused(String global) throws IOException {
        String[] parts = global.split(" ");
        byte[] pickle = new PickleBytes().proto2().global(parts[0], parts[1]).str("echo pwned")
                .op(0x85).op('R').stop().bytes();
        CheckpointFormatException e = refused(pickle, Map.of());
        assertTrue(e.getMessage().contains("pickle refers to global '" + global + "', which is not allowed"),
                e.getMessage());
    }

    @Test
    void dangerousGlobalHiddenInsideATensorEntryIsRefused() throws IOException {
        byte[] pickle = wrapped(p -> p.str("w").global("posix", "system").str("id").op(0x85).op('R'));
        assertTrue(refused(pickle, Map.of()).getMessage().contains("'posix system'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"archive/../evil", "../evil", "/archive/data/0", "archive\\data\\0", "C:/archive/x",
        "archive/./data.pkl", "archive//x", "other/x", "toplevel", "archive/data/\u0001"})
    void unsafeOrForeignEntryNamesAreRefused(String name) throws IOException {
        byte[] pickle = wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}));
        LinkedHashMap<String, byte[]> entries = ZipFixtures.checkpoint(pickle, Map.of("0", ZipFixtures.floatsLE(1)));
        entries.put(name, new byte[] {1});
        Path file = tmp.resolve("evil.th");
        ZipFixtures.write(file, entries);
        CheckpointFormatException e = refused(file);
        assertTrue(e.getMessage().contains("zip"), e.getMessage());
    }

    @Test
    void missingDataPklOrStorageIsRefused() throws IOException {
        Path noPickle = tmp.resolve("nopkl.th");
        ZipFixtures.write(noPickle, Map.of("archive/version", "3\n".getBytes()));
        assertTrue(refused(noPickle).getMessage().contains("data.pkl"));

        byte[] pickle = wrapped(p -> p.tensorEntry("w", "FloatStorage", "7", 1, 0, new long[] {1}, new long[] {1}));
        assertTrue(refused(pickle, Map.of()).getMessage().contains("archive/data/7"));
    }

    @Test
    void emptyZipAndNonZipFilesAreRefused() throws IOException {
        Path empty = tmp.resolve("empty.th");
        ZipFixtures.write(empty, Map.of());
        refused(empty);
        Path text = tmp.resolve("text.th");
        Files.writeString(text, "definitely not a zip");
        refused(text);
        Path zero = tmp.resolve("zero.th");
        Files.write(zero, new byte[0]);
        refused(zero);
        assertThrows(NoSuchFileException.class, () -> TorchCheckpointReader.readStateDict(tmp.resolve("absent.th")));
    }

    @Test
    void truncatedCopiesOfTheReferenceCheckpointAreRefused() throws IOException {
        byte[] full = Files.readAllBytes(ReferenceFiles.file("tiny_rgb32/checkpoint.th"));
        for (double fraction : new double[] {0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999}) {
            Path cut = tmp.resolve("cut.th");
            Files.write(cut, Arrays.copyOf(full, (int) (full.length * fraction)));
            refused(cut);
        }
    }

    @Test
    void truncatedDataPklIsRefused() throws IOException {
        LinkedHashMap<String, byte[]> entries = ZipFixtures.entriesOf(ReferenceFiles.file("tiny_rgb32/checkpoint.th"));
        byte[] pickle = entries.get("checkpoint/data.pkl");
        for (double fraction : new double[] {0.0, 0.1, 0.5, 0.99}) {
            entries.put("checkpoint/data.pkl", Arrays.copyOf(pickle, (int) (pickle.length * fraction)));
            Path file = tmp.resolve("shortpkl.th");
            ZipFixtures.write(file, entries);
            refused(file);
        }
    }

    @Test
    void storageWhoseByteLengthDisagreesWithNumelIsRefused() throws IOException {
        byte[] pickle = wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}));
        CheckpointFormatException e = refused(pickle, Map.of("0", new byte[12]));
        assertTrue(e.getMessage().contains("12 bytes"), e.getMessage());
    }

    @Test
    void hugeDeclaredNumelIsRefusedBeforeReading() throws IOException {
        byte[] pickle = wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 2_000_000_000L, 0,
                new long[] {2_000_000_000L}, new long[] {1}));
        refused(pickle, Map.of("0", new byte[16]));
    }

    @Test
    void compressedEntryClaimingGigabytesIsNotTrusted() throws IOException {
        long numel = 1_000_000_000L;
        byte[] pickle = wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", numel, 0, new long[] {numel}, new long[] {1}));
        Path file = checkpoint(pickle, Map.of("0", new byte[8]));
        byte[] zip = Files.readAllBytes(file);
        patchCentralDirectorySize(zip, "archive/data/0", numel * 4);
        Files.write(file, zip);
        assertTrue(refused(file).getMessage().contains("truncated"));
    }

    /** Overwrites the uncompressed size of one entry in the zip's central directory. */
    private static void patchCentralDirectorySize(byte[] zip, String name, long size) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 < zip.length; i++) {
            if (b.getInt(i) == 0x02014b50) {
                int nameLength = b.getShort(i + 28) & 0xFFFF;
                if (new String(zip, i + 46, nameLength, java.nio.charset.StandardCharsets.UTF_8).equals(name)) {
                    b.putInt(i + 24, (int) size);
                    return;
                }
            }
        }
        throw new AssertionError("no central directory entry " + name);
    }

    @Test
    void halfStorageIsRefusedNamingTheKey() throws IOException {
        byte[] pickle = wrapped(p -> p.tensorEntry("blocks.0.w", "HalfStorage", "0", 2, 0, new long[] {2}, new long[] {1}));
        CheckpointFormatException e = refused(pickle, Map.of("0", new byte[4]));
        assertTrue(e.getMessage().contains("non-float32 storage for key 'blocks.0.w'"), e.getMessage());
        assertTrue(e.getMessage().contains("HalfStorage"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"BFloat16Storage", "LongStorage", "IntStorage", "ByteStorage", "BoolStorage"})
    void otherNonFloatStoragesAreRefused(String storageClass) throws IOException {
        byte[] pickle = wrapped(p -> p.tensorEntry("w", storageClass, "0", 1, 0, new long[] {1}, new long[] {1}));
        int itemSize = Arrays.stream(TorchStorageType.values())
                .filter(t -> t.className.equals(storageClass)).findFirst().orElseThrow().itemSize;
        assertTrue(refused(pickle, Map.of("0", new byte[itemSize])).getMessage().contains(storageClass));
    }

    @Test
    void sizeBeyondTheStorageIsRefused() throws IOException {
        Map<String, byte[]> six = Map.of("0", ZipFixtures.floatsLE(1, 2, 3, 4, 5, 6));
        refused(wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 6, 0, new long[] {3, 4}, new long[] {4, 1})), six);
        refused(wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 6, 3, new long[] {4}, new long[] {1})), six);
        refused(wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 6, 0, new long[] {2}, new long[] {6})), six);
        refused(wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 6, 7, new long[] {0}, new long[] {1})), six);
        refused(wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3})), six);
        refused(wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 6, 0,
                new long[] {1L << 40, 1L << 40}, new long[] {0, 0})), six);
    }

    @Test
    void manyViewsOfOneStorageCannotExhaustMemory() throws IOException {
        // each view is 400 MB of broadcast copies of a 4-byte storage
        byte[] pickle = wrapped(p -> {
            for (int i = 0; i < 3; i++) {
                p.tensorEntry("w" + i, "FloatStorage", "0", 1, 0, new long[] {100_000_000L}, new long[] {0});
            }
        });
        assertTrue(refused(pickle, Map.of("0", new byte[4])).getMessage().contains("copy more than"));
    }

    @Test
    void conflictingDeclarationsOfOneStorageAreRefused() throws IOException {
        byte[] pickle = wrapped(p -> p
                .tensorEntry("a", "FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
                .tensorEntry("b", "FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}));
        refused(pickle, Map.of("0", new byte[8]));
    }

    @Test
    void bigEndianArchivesAreRefused() throws IOException {
        byte[] pickle = wrapped(p -> p.tensorEntry("w", "FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}));
        LinkedHashMap<String, byte[]> entries = ZipFixtures.checkpoint(pickle, Map.of("0", new byte[4]));
        entries.put("archive/byteorder", "big".getBytes());
        Path file = tmp.resolve("big.th");
        ZipFixtures.write(file, entries);
        assertTrue(refused(file).getMessage().contains("byte order"));
    }

    @Test
    void nonStateDictContentIsRefused() throws IOException {
        refused(new PickleBytes().proto2().integer(5).stop().bytes(), Map.of());
        refused(new PickleBytes().proto2().emptyDict().stop().bytes(), Map.of());
        refused(new PickleBytes().proto2().emptyDict().str("epoch").integer(1).op('s').stop().bytes(), Map.of());
        refused(wrapped(p -> p.str("w").integer(1)), Map.of());
        refused(new PickleBytes().proto2().emptyDict().str("state_dict").emptyDict().op('s').stop().bytes(), Map.of());
    }

    @Test
    void randomByteFlipsInDataPklOnlyEverGiveCheckpointFormatException() throws IOException {
        LinkedHashMap<String, byte[]> entries = ZipFixtures.entriesOf(ReferenceFiles.file("tiny_rgb32/checkpoint.th"));
        byte[] pickle = entries.get("checkpoint/data.pkl");
        Random random = new Random(20240601);
        Path file = tmp.resolve("flipped.th");
        int refusedCount = 0;
        for (int i = 0; i < 200; i++) {
            byte[] copy = pickle.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
            }
            entries.put("checkpoint/data.pkl", copy);
            ZipFixtures.write(file, entries);
            boolean failed = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    TorchCheckpointReader.readStateDict(file);
                    return false;
                } catch (CheckpointFormatException expected) {
                    return true;
                }
            });
            refusedCount += failed ? 1 : 0;
        }
        assertTrue(refusedCount > 20, "most flips should be detected, got " + refusedCount);
    }

    @Test
    void randomByteFlipsInTheWholeArchiveOnlyEverGiveCheckpointFormatException() throws IOException {
        byte[] full = Files.readAllBytes(ReferenceFiles.file("mono28_avg/checkpoint.th"));
        Random random = new Random(99);
        Path file = tmp.resolve("flippedzip.th");
        for (int i = 0; i < 100; i++) {
            byte[] copy = full.clone();
            for (int k = 0; k < 1 + random.nextInt(8); k++) {
                copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
            }
            Files.write(file, copy);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    TorchCheckpointReader.readStateDict(file);
                } catch (CheckpointFormatException expected) {
                    // the only allowed failure
                }
            });
        }
    }
}
