package io.vilspark.interop;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .safetensors} format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code name -> {"dtype", "shape", "data_offsets": [begin, end]}}, optional {@code "__metadata__"}),
 * then the raw little-endian data. Reads dtypes F32, F64, I64 and I32.
 */
public final class SafetensorsFile {

    /** The reference implementation's own limit on the JSON header. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA = "__metadata__";
    private static final int MAX_RANK = 64;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SafetensorsFile() {
    }

    /** One header entry, validated; offsets are relative to the start of the data section. */
    private record Entry(String name, DType type, long[] shape, long begin, long end) {
    }

    /** All tensors, in the order of their data offsets (= the order they were saved in). */
    public static LinkedHashMap<String, Tensor> read(Path path) throws IOException {
        String source = path.toString();
        long fileSize = Files.size(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            byte[] lengthField = in.readNBytes(8);
            if (lengthField.length < 8) {
                throw new CheckpointFormatException(source, "safetensors file is shorter than its 8-byte header length");
            }
            long headerLength = java.nio.ByteBuffer.wrap(lengthField).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw new CheckpointFormatException(source, "safetensors header length "
                        + Long.toUnsignedString(headerLength) + " is invalid (file size " + fileSize
                        + ", limit " + MAX_HEADER_BYTES + ")");
            }
            byte[] header = in.readNBytes((int) headerLength);
            if (header.length < headerLength) {
                throw new CheckpointFormatException(source, "safetensors file is truncated inside its header");
            }
            List<Entry> entries = parseHeader(header, source);
            checkLayout(entries, fileSize - 8 - headerLength, source);
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                int count = (int) DType.numelOf(e.shape);
                Object data = LittleEndianArrays.read(in, e.type, count, count, source,
                        "data of tensor " + Printable.quote(e.name));
                tensors.put(e.name, new Tensor(e.type.label, e.shape, data));
            }
            return tensors;
        }
    }

    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        write(path, tensors, Map.of());
    }

    /** Writes the tensors in map order; {@code metadata} (may be empty) becomes {@code "__metadata__"}. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
            write(out, tensors, metadata);
        }
    }

    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = headerJson(tensors, metadata);
        byte[] lengthField = new byte[8];
        java.nio.ByteBuffer.wrap(lengthField).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(lengthField);
        out.write(header);
        for (Tensor t : tensors.values()) {
            LittleEndianArrays.write(out, t);
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes like the reference writer. */
    private static byte[] headerJson(Map<String, Tensor> tensors, Map<String, String> metadata)
            throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA)) {
                throw new IllegalArgumentException("invalid safetensors tensor name " + Printable.quote(name));
            }
            Tensor t = e.getValue();
            ObjectNode node = root.putObject(name);
            node.put("dtype", codeOf(t.type()));
            ArrayNode shape = node.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + t.numel() * t.itemSize();
            node.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static String codeOf(DType type) {
        return switch (type) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
        };
    }

    private static DType typeOf(String code, String name, String source) throws CheckpointFormatException {
        switch (code) {
            case "F32": return DType.FLOAT32;
            case "F64": return DType.FLOAT64;
            case "I64": return DType.INT64;
            case "I32": return DType.INT32;
            default:
                throw new CheckpointFormatException(source, "tensor " + Printable.quote(name) + " has unsupported dtype "
                        + Printable.quote(code) + " (supported: F32, F64, I64, I32)");
        }
    }

    private static List<Entry> parseHeader(byte[] header, String source) throws CheckpointFormatException {
        if (header[0] != '{') {
            throw new CheckpointFormatException(source, "safetensors header does not start with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(source, "safetensors header is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointFormatException(source, "safetensors header cannot be parsed: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(source, "safetensors header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA)) {
                checkMetadata(field.getValue(), source);
            } else {
                entries.add(parseEntry(field.getKey(), field.getValue(), source));
            }
        }
        return entries;
    }

    private static void checkMetadata(JsonNode node, String source) throws CheckpointFormatException {
        if (!node.isObject()) {
            throw new CheckpointFormatException(source, "safetensors '__metadata__' must be an object of strings");
        }
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw new CheckpointFormatException(source, "safetensors '__metadata__' must map names to strings");
            }
        }
    }

    private static Entry parseEntry(String name, JsonNode node, String source) throws CheckpointFormatException {
        String what = "tensor " + Printable.quote(name);
        if (name.isEmpty() || !node.isObject()) {
            throw new CheckpointFormatException(source, what + ": header entry must be a non-empty name "
                    + "mapping to an object");
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw new CheckpointFormatException(source, what + ": missing string 'dtype'");
        }
        DType type = typeOf(dtype.textValue(), name, source);
        long[] shape = longs(node.get("shape"), -1, what + ": 'shape'", source);
        if (shape.length > MAX_RANK) {
            throw new CheckpointFormatException(source, what + ": shape has more than " + MAX_RANK + " dimensions");
        }
        long[] offsets = longs(node.get("data_offsets"), 2, what + ": 'data_offsets'", source);
        long numel = DType.numelOf(shape);
        if (numel < 0 || numel > DType.MAX_ELEMENTS) {
            throw new CheckpointFormatException(source, what + ": shape " + Arrays.toString(shape)
                    + " has too many elements (at most " + DType.MAX_ELEMENTS + " are supported)");
        }
        if (offsets[1] < offsets[0] || offsets[1] - offsets[0] != numel * type.itemSize) {
            throw new CheckpointFormatException(source, what + ": data_offsets " + Arrays.toString(offsets)
                    + " span " + (offsets[1] - offsets[0]) + " bytes but shape " + Arrays.toString(shape) + " of "
                    + dtype.textValue() + " needs " + numel * type.itemSize);
        }
        return new Entry(name, type, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers (of the given length, unless -1). */
    private static long[] longs(JsonNode node, int length, String what, String source)
            throws CheckpointFormatException {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new CheckpointFormatException(source, what + " must be an array"
                    + (length >= 0 ? " of " + length + " integers" : " of integers"));
        }
        if (node.size() > MAX_RANK) {
            throw new CheckpointFormatException(source, what + " has too many items");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode item = node.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToLong() || item.longValue() < 0) {
                throw new CheckpointFormatException(source, what + " must hold non-negative integers, found "
                        + Printable.quote(item.toString()));
            }
            out[i] = item.longValue();
        }
        return out;
    }

    /**
     * Sorts by offset and checks that the tensors tile the data section exactly: no overlap (two
     * names for the same bytes), no gap and nothing after the last tensor (hidden content), as the
     * format's specification requires.
     */
    private static void checkLayout(List<Entry> entries, long dataBytes, String source)
            throws CheckpointFormatException {
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                throw new CheckpointFormatException(source, "tensor " + Printable.quote(e.name) + " starts at data offset "
                        + e.begin + " but the previous tensor ends at " + expected
                        + (e.begin < expected ? " (overlap)" : " (gap)"));
            }
            expected = e.end;
        }
        if (expected != dataBytes) {
            throw new CheckpointFormatException(source, "the tensors cover " + expected
                    + " data bytes but the file holds " + dataBytes + " bytes after the header"
                    + (expected > dataBytes ? " (truncated file?)" : ""));
        }
    }
}
