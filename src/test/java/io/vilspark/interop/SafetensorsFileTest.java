package io.vilspark.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vilspark.testing.ReferenceFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsFileTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tiny_rgb32/weights.safetensors", "tiny_rgb32/grads.safetensors",
        "mono28_avg/weights.safetensors", "mono28_avg/grads.safetensors"})
    void referenceFilesHoldEveryParameterInOrder(String file) throws IOException {
        String caseName = file.substring(0, file.indexOf('/'));
        LinkedHashMap<String, Tensor> tensors = SafetensorsFile.read(ReferenceFiles.file(file));
        assertEquals(ReferenceFiles.parameterOrder(caseName), new ArrayList<>(tensors.keySet()));
        for (Tensor t : tensors.values()) {
            assertEquals(Tensor.FLOAT32, t.dtype());
        }
    }

    @Test
    void tinyRgb32ShapesFollowTheConfig() throws IOException {
        LinkedHashMap<String, Tensor> w = SafetensorsFile.read(ReferenceFiles.file("tiny_rgb32/weights.safetensors"));
        // dim 32 -> inner 64, headwise q/k/v with block size 4 -> 16 blocks of 4x4
        assertArrayEquals(new long[] {16, 4, 4}, w.get("blocks.0.rowwise_from_top_left.layer.q_proj.weight").shape());
        assertArrayEquals(new long[] {32, 3, 8, 8}, w.get("patch_embed.proj.weight").shape());
        assertArrayEquals(new long[] {1, 4, 4, 32}, w.get("pos_embed.embed").shape());
        assertArrayEquals(new long[] {10, 64}, w.get("head.weight").shape());
        assertArrayEquals(new long[] {32}, w.get("norm.weight").shape());
        LinkedHashMap<String, Tensor> g = SafetensorsFile.read(ReferenceFiles.file("tiny_rgb32/grads.safetensors"));
        for (Map.Entry<String, Tensor> e : w.entrySet()) {
            assertArrayEquals(e.getValue().shape(), g.get(e.getKey()).shape(), e.getKey());
        }
    }

    @Test
    void numberOfParametersMatchesMeta() throws IOException {
        JsonNode meta = ReferenceFiles.meta("tiny_rgb32");
        long total = 0;
        for (Tensor t : SafetensorsFile.read(ReferenceFiles.file("tiny_rgb32/weights.safetensors")).values()) {
            total += t.numel();
        }
        assertEquals(meta.get("num_parameters").asLong(), total);
    }

    @Test
    void roundTripsAndReproducesTheReferenceBytes() throws IOException {
        Path ref = ReferenceFiles.file("tiny_rgb32/weights.safetensors");
        LinkedHashMap<String, Tensor> tensors = SafetensorsFile.read(ref);
        Path copy = tmp.resolve("copy.safetensors");
        SafetensorsFile.write(copy, tensors);
        assertEquals(tensors, SafetensorsFile.read(copy));
        assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(SafetensorsFile.read(copy).keySet()));
        // same data section as the reference writer (headers may differ in metadata and spacing)
        byte[] a = Files.readAllBytes(ref);
        byte[] b = Files.readAllBytes(copy);
        long dataA = a.length - 8 - ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long dataB = b.length - 8 - ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(dataA, dataB);
        assertArrayEquals(Arrays.copyOfRange(a, (int) (a.length - dataA), a.length),
                Arrays.copyOfRange(b, (int) (b.length - dataB), b.length));
    }

    @Test
    void roundTripsMixedDtypesScalarsEmptyTensorsAndMetadata() throws IOException {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.f32", Tensor.ofFloat32(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        tensors.put("a.f64", Tensor.ofFloat64(new long[] {}, new double[] {Math.E}));
        tensors.put("m.empty", Tensor.ofFloat32(new long[] {0, 3}, new float[0]));
        tensors.put("b.i64", Tensor.ofInt64(new long[] {3}, new long[] {-1, 0, Long.MAX_VALUE}));
        tensors.put("c.i32", Tensor.ofInt32(new long[] {1}, new int[] {-7}));
        Path file = tmp.resolve("mixed.safetensors");
        SafetensorsFile.write(file, tensors, Map.of("format", "pt"));
        LinkedHashMap<String, Tensor> back = SafetensorsFile.read(file);
        assertEquals(tensors, back);
        assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(back.keySet()));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
    }

    // ---- hostile inputs ----

    private static byte[] file(String json, byte[] data) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private CheckpointFormatException refused(byte[] bytes) throws IOException {
        Path file = tmp.resolve("bad.safetensors");
        Files.write(file, bytes);
        CheckpointFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(CheckpointFormatException.class, () -> SafetensorsFile.read(file)));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}",           // size mismatch
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",           // beyond data, gap
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}",            // reversed
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}",           // negative
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",         // overlap
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",             // trailing data
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",            // truncated data
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000,1000000],\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999999],\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}",
        "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",         // duplicate key
        "{\"w\":[1,2]}",
        "{\"__metadata__\":{\"a\":1},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} {}",           // trailing JSON
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}",              // unterminated
        "[1,2,3]",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[[[[[[[[[[[2]]]]]]]]]]],\"data_offsets\":[0,8]}}",
    })
    void malformedHeadersAreRefused(String json) throws IOException {
        refused(file(json, new byte[8]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "I8", "U8", "BOOL", "F8_E4M3", "whatever"})
    void unsupportedDtypesAreNamed(String dtype) throws IOException {
        String json = "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":[4],\"data_offsets\":[0,8]}}";
        CheckpointFormatException e = refused(file(json, new byte[8]));
        assertTrue(e.getMessage().contains("unsupported dtype"), e.getMessage());
        assertTrue(e.getMessage().contains(dtype), e.getMessage());
    }

    @Test
    void headerLengthMustBeSane() throws IOException {
        byte[] tooLong = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array();
        refused(tooLong);
        byte[] negative = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array();
        refused(negative);
        byte[] longerThanFile = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array();
        refused(longerThanFile);
        refused(new byte[3]);
        refused(new byte[0]);
    }

    @Test
    void truncatedReferenceFileIsRefused() throws IOException {
        byte[] full = Files.readAllBytes(ReferenceFiles.file("tiny_rgb32/weights.safetensors"));
        for (double fraction : new double[] {0.001, 0.01, 0.1, 0.5, 0.99}) {
            refused(Arrays.copyOf(full, (int) (full.length * fraction)));
        }
        refused(Arrays.copyOf(full, full.length - 1));
    }

    @Test
    void randomByteFlipsInTheHeaderNeverEscapeAsOtherExceptions() throws IOException {
        byte[] full = Files.readAllBytes(ReferenceFiles.file("tiny_rgb32/weights.safetensors"));
        int headerEnd = 8 + (int) ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getLong();
        java.util.Random random = new java.util.Random(7);
        Path file = tmp.resolve("flipped.safetensors");
        for (int i = 0; i < 200; i++) {
            byte[] copy = full.clone();
            for (int k = 0; k < 1 + random.nextInt(3); k++) {
                copy[random.nextInt(headerEnd)] ^= (byte) (1 + random.nextInt(255));
            }
            Files.write(file, copy);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    SafetensorsFile.read(file);
                } catch (CheckpointFormatException expected) {
                    // the only allowed failure
                }
            });
        }
    }

    @Test
    void writerRefusesTheReservedName() {
        Map<String, Tensor> bad = Map.of("__metadata__", Tensor.ofFloat32(new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.write(tmp.resolve("x"), bad));
    }
}
