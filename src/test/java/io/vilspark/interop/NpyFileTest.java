package io.vilspark.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vilspark.testing.ReferenceFiles;
import io.vilspark.testing.ZipFixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyFileTest {

    private static final String CELL_CASE = "mlstm_cell/B2_NH4_S16_DH8";

    @TempDir
    Path tmp;

    @Test
    void readsEveryArrayOfTheMlstmCellCaseWithTheShapesOfItsMeta() throws IOException {
        JsonNode shape = ReferenceFiles.meta(CELL_CASE).get("shape");
        long b = shape.get("B").asLong();
        long nh = shape.get("NH").asLong();
        long s = shape.get("S").asLong();
        long dh = shape.get("DH").asLong();
        Map<String, long[]> expected = Map.ofEntries(
                Map.entry("q", new long[] {b, nh, s, dh}), Map.entry("k", new long[] {b, nh, s, dh}),
                Map.entry("v", new long[] {b, nh, s, dh}), Map.entry("h", new long[] {b, nh, s, dh}),
                Map.entry("h_f64", new long[] {b, nh, s, dh}), Map.entry("R", new long[] {b, nh, s, dh}),
                Map.entry("grad_q", new long[] {b, nh, s, dh}), Map.entry("grad_k", new long[] {b, nh, s, dh}),
                Map.entry("grad_v", new long[] {b, nh, s, dh}),
                Map.entry("igate_preact", new long[] {b, nh, s, 1}), Map.entry("fgate_preact", new long[] {b, nh, s, 1}),
                Map.entry("grad_igate_preact", new long[] {b, nh, s, 1}),
                Map.entry("grad_fgate_preact", new long[] {b, nh, s, 1}));
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.list(ReferenceFiles.file(CELL_CASE))) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".npy"))::iterator) {
                String name = file.getFileName().toString().replace(".npy", "");
                Tensor t = NpyFile.read(file);
                assertArrayEquals(expected.get(name), t.shape(), name);
                assertEquals(name.endsWith("_f64") ? Tensor.FLOAT64 : Tensor.FLOAT32, t.dtype(), name);
                seen.add(name);
            }
        }
        assertEquals(new TreeSet<>(expected.keySet()), seen);
    }

    /** Decoding check beyond shapes: h vs h_f64 differ exactly as the meta.json says. */
    @Test
    void float32AndFloat64OutputsDifferByTheAmountInMeta() throws IOException {
        float[] h = NpyFile.read(ReferenceFiles.file(CELL_CASE + "/h.npy")).toFloatArray();
        double[] h64 = NpyFile.read(ReferenceFiles.file(CELL_CASE + "/h_f64.npy")).toDoubleArray();
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < h.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(h[i] - h64[i]));
            maxRef = Math.max(maxRef, Math.abs(h64[i]));
        }
        JsonNode stats = ReferenceFiles.meta(CELL_CASE).get("f32_vs_f64").get("h");
        assertEquals(stats.get("max_abs_diff").asDouble(), maxDiff, 1e-12);
        assertEquals(stats.get("max_abs_ref").asDouble(), maxRef, 1e-9);
    }

    @Test
    void readsInt64Labels() throws IOException {
        Tensor labels = NpyFile.read(ReferenceFiles.file("tiny_rgb32/labels.npy"));
        assertEquals(Tensor.INT64, labels.dtype());
        assertEquals(1, labels.rank());
        for (long label : labels.toLongArray()) {
            assertTrue(label >= 0 && label < 10);
        }
    }

    @Test
    void streamAndPathReadsAgree() throws IOException {
        Path file = ReferenceFiles.file(CELL_CASE + "/q.npy");
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(NpyFile.read(file), NpyFile.read(in, "q.npy"));
        }
    }

    @Test
    void roundTripsEveryDtypeAndRank() throws IOException {
        Tensor[] tensors = {
            Tensor.ofFloat32(new long[] {2, 3}, new float[] {1.5f, -2f, Float.NaN, 0f, -0f, Float.MIN_VALUE}),
            Tensor.ofFloat64(new long[] {4}, new double[] {Math.PI, -1e300, Double.NEGATIVE_INFINITY, 0.1}),
            Tensor.ofInt64(new long[] {2, 1, 2}, new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}),
            Tensor.ofInt32(new long[] {3}, new int[] {Integer.MIN_VALUE, 7, Integer.MAX_VALUE}),
            Tensor.ofFloat32(new long[] {}, new float[] {42f}),
            Tensor.ofFloat32(new long[] {0, 5}, new float[0]),
            Tensor.ofFloat32(new long[] {70_000}, new float[70_000]),
        };
        for (int i = 0; i < tensors.length; i++) {
            Path file = tmp.resolve("t" + i + ".npy");
            NpyFile.write(file, tensors[i]);
            Tensor back = NpyFile.read(file);
            assertEquals(tensors[i], back);
            assertArrayEquals(tensors[i].shape(), back.shape());
            byte[] bytes = Files.readAllBytes(file);
            int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
            assertEquals(0, (10 + headerLength) % 64, "data must start at a multiple of 64");
            assertEquals('\n', bytes[10 + headerLength - 1]);
        }
    }

    @Test
    void writesNumpysExactHeaderText() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyFile.write(out, Tensor.ofFloat32(new long[] {5}, new float[5]));
        byte[] bytes = out.toByteArray();
        int headerLength = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", header.strip());
    }

    @Test
    void reWritingAReferenceFileGivesTheSameBytes() throws IOException {
        Path file = ReferenceFiles.file(CELL_CASE + "/h_f64.npy");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyFile.write(out, NpyFile.read(file));
        assertArrayEquals(Files.readAllBytes(file), out.toByteArray());
    }

    // ---- hostile inputs ----

    /** A v1.0 file with the given header dict and data bytes. */
    private static byte[] npy(String dict, byte[] data) {
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) text.length, (byte) (text.length >> 8)});
        out.writeBytes(text);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static String header(String descr, String fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    }

    private CheckpointFormatException refusedFromFileAndStream(byte[] bytes) throws IOException {
        Path file = tmp.resolve("bad.npy");
        Files.write(file, bytes);
        CheckpointFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(CheckpointFormatException.class, () -> NpyFile.read(file)));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(CheckpointFormatException.class,
                () -> NpyFile.read(new ByteArrayInputStream(bytes), "stream")));
        return e;
    }

    @Test
    void hugeShapeIsRefusedBeforeAllocating() throws IOException {
        CheckpointFormatException e = refusedFromFileAndStream(npy(header("<f4", "False", "(1000000, 1000000)"), new byte[16]));
        assertTrue(e.getMessage().contains("too many elements"), e.getMessage());
    }

    @Test
    void largeButAllocatableShapeOnAShortFileIsRefusedBySize() throws IOException {
        // 10^9 floats would be 4 GB: the path reader compares with the file size, the stream reader
        // only grows its buffer as bytes arrive, so neither allocates 4 GB.
        CheckpointFormatException e = refusedFromFileAndStream(npy(header("<f4", "False", "(1000000000,)"), new byte[64]));
        assertTrue(e.getMessage().contains("data bytes"), e.getMessage());
    }

    @Test
    void truncatedDataIsRefused() throws IOException {
        refusedFromFileAndStream(npy(header("<f4", "False", "(2, 3)"), new byte[23]));
    }

    @Test
    void extraBytesAfterTheDataAreRefusedForFiles() throws IOException {
        Path file = tmp.resolve("long.npy");
        Files.write(file, npy(header("<f4", "False", "(2,)"), new byte[12]));
        assertThrows(CheckpointFormatException.class, () -> NpyFile.read(file));
    }

    @Test
    void fortranOrderIsRefused() throws IOException {
        assertTrue(refusedFromFileAndStream(npy(header("<f4", "True", "(2, 2)"), new byte[16]))
                .getMessage().contains("Fortran"));
    }

    @Test
    void objectArraysAreRefused() throws IOException {
        assertTrue(refusedFromFileAndStream(npy(header("|O", "False", "(2,)"), new byte[16]))
                .getMessage().contains("pickled Python objects"));
    }

    @Test
    void bigEndianIsRefused() throws IOException {
        assertTrue(refusedFromFileAndStream(npy(header(">f4", "False", "(2,)"), new byte[8]))
                .getMessage().contains("big-endian"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<f2", "|u1", "<c8", "=f4", "|b1", "<U10"})
    void unsupportedDtypesAreRefused(String descr) throws IOException {
        refusedFromFileAndStream(npy(header(descr, "False", "(2,)"), new byte[8]));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
        "{'descr': '<f4', 'fortran_order': False, }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (2,), }",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)",
        "{'descr': '<f4\\x', 'fortran_order': False, 'shape': (2,), }",
        "__import__('os').system('true')",
        "",
    })
    void malformedHeadersAreRefused(String dict) throws IOException {
        refusedFromFileAndStream(npy(dict, new byte[8]));
    }

    @Test
    void garbageMagicIsRefused() throws IOException {
        refusedFromFileAndStream("this is not numpy at all".getBytes(StandardCharsets.US_ASCII));
        refusedFromFileAndStream(new byte[0]);
        refusedFromFileAndStream(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 10, 0});
    }

    @Test
    void hugeHeaderLengthIsRefused() throws IOException {
        byte[] v2 = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f, '{'};
        assertTrue(refusedFromFileAndStream(v2).getMessage().contains("header length"));
    }

    @Test
    void truncatedHeaderIsRefused() throws IOException {
        byte[] full = npy(header("<f4", "False", "(2,)"), new byte[8]);
        for (int cut : new int[] {3, 7, 9, 20, 40}) {
            refusedFromFileAndStream(Arrays.copyOf(full, cut));
        }
    }

    @Test
    void readsVersion2And3Headers() throws IOException {
        for (int major : new int[] {2, 3}) {
            byte[] text = (header("<f4", "False", "(2,)") + "\n").getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0,
                (byte) text.length, (byte) (text.length >> 8), 0, 0});
            out.writeBytes(text);
            out.writeBytes(ZipFixtures.floatsLE(1f, 2f));
            Tensor t = NpyFile.read(new ByteArrayInputStream(out.toByteArray()), "v" + major);
            assertArrayEquals(new float[] {1f, 2f}, t.toFloatArray());
        }
    }
}
