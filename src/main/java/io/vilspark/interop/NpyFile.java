package io.vilspark.interop;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * NumPy {@code .npy} files: little-endian, C order, dtypes {@code <f4 <f8 <i8} (and {@code <i4}).
 * Reads format versions 1.0, 2.0 and 3.0; writes 1.0 (2.0 only if the header would not fit).
 */
public final class NpyFile {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy writes headers of a few hundred bytes; anything far larger is not a real array header. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    /** Data starts at a multiple of this, as numpy does (lets readers memory-map aligned data). */
    private static final int ALIGNMENT = 64;
    private static final int V1_MAX_HEADER = 0xFFFF;

    private NpyFile() {
    }

    public static Tensor read(Path path) throws IOException {
        String source = path.toString();
        long fileSize = Files.size(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            Prelude prelude = readPrelude(in, source);
            long dataBytes = prelude.dataBytes(source);
            // Compare with the real file length before allocating anything for the data.
            if (fileSize - prelude.headerEnd != dataBytes) {
                throw new CheckpointFormatException(source, "npy header announces shape "
                        + Arrays.toString(prelude.header.shape()) + " of " + prelude.header.dtype().label + " ("
                        + dataBytes + " data bytes) but the file holds " + (fileSize - prelude.headerEnd)
                        + " data bytes");
            }
            int count = (int) (dataBytes / prelude.header.dtype().itemSize);
            return toTensor(prelude.header, LittleEndianArrays.read(in, prelude.header.dtype(), count, count,
                    source, "npy data"));
        }
    }

    /**
     * Reads one array from a stream, leaving the stream just after it. The stream length is unknown,
     * so memory grows only as data actually arrives.
     */
    public static Tensor read(InputStream in, String nameForErrors) throws IOException {
        Prelude prelude = readPrelude(in, nameForErrors);
        int count = (int) (prelude.dataBytes(nameForErrors) / prelude.header.dtype().itemSize);
        Object data = LittleEndianArrays.read(in, prelude.header.dtype(), count, 1 << 20, nameForErrors,
                "npy data");
        return toTensor(prelude.header, data);
    }

    public static void write(Path path, Tensor tensor) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
            write(out, tensor);
        }
    }

    public static void write(OutputStream out, Tensor tensor) throws IOException {
        out.write(headerBytes(tensor));
        LittleEndianArrays.write(out, tensor);
    }

    /** Magic, version, length and the padded header dict: numpy's exact layout. */
    static byte[] headerBytes(Tensor tensor) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descrOf(tensor.type()))
                .append("', 'fortran_order': False, 'shape': (");
        long[] shape = tensor.shape();
        StringJoiner dims = new StringJoiner(", ");
        for (long d : shape) {
            dims.add(Long.toString(d));
        }
        // Python spells a 1-tuple "(5,)"
        dict.append(dims).append(shape.length == 1 ? ",)" : ")").append(", }");
        int major = 1;
        int prefix = MAGIC.length + 2 + 2;
        if (padded(prefix, dict.length()) > V1_MAX_HEADER) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
        }
        int headerLength = padded(prefix, dict.length());
        byte[] out = new byte[prefix + headerLength];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) major;
        out[7] = 0;
        for (int i = 0; i < prefix - 8; i++) {
            out[8 + i] = (byte) (headerLength >>> (8 * i));
        }
        Arrays.fill(out, prefix, out.length - 1, (byte) ' ');
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, out, prefix, text.length);
        out[out.length - 1] = '\n';
        return out;
    }

    /** Header length (dict + spaces + newline) so that prefix + header is a multiple of the alignment. */
    private static int padded(int prefix, int dictLength) {
        int unpadded = prefix + dictLength + 1;
        return dictLength + 1 + (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
    }

    private static String descrOf(DType type) {
        return switch (type) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
        };
    }

    private static Tensor toTensor(NpyHeader header, Object data) {
        return new Tensor(header.dtype().label, header.shape(), data);
    }

    /** The parsed header and the byte offset where the data starts. */
    private record Prelude(NpyHeader header, long headerEnd) {

        /** numel * itemsize, refused if it cannot fit one Java array. */
        long dataBytes(String source) throws CheckpointFormatException {
            long numel = DType.numelOf(header.shape());
            if (numel < 0 || numel > DType.MAX_ELEMENTS) {
                throw new CheckpointFormatException(source, "npy shape " + Arrays.toString(header.shape())
                        + " has too many elements (at most " + DType.MAX_ELEMENTS + " are supported)");
            }
            return numel * header.dtype().itemSize;
        }
    }

    private static Prelude readPrelude(InputStream in, String source) throws IOException {
        byte[] start = in.readNBytes(MAGIC.length + 2);
        if (start.length < MAGIC.length + 2 || !Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CheckpointFormatException(source, "not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = start[6] & 0xFF;
        int minor = start[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new CheckpointFormatException(source, "unsupported npy format version " + major + "." + minor);
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw new CheckpointFormatException(source, "npy file is truncated inside its header length");
        }
        long headerLength = 0;
        for (int i = 0; i < lengthBytes; i++) {
            headerLength |= (long) (lengthField[i] & 0xFF) << (8 * i);
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(source, "npy header length " + headerLength
                    + " is implausibly large (limit " + MAX_HEADER_BYTES + ")");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw new CheckpointFormatException(source, "npy file is truncated inside its header");
        }
        String text = decodeHeader(headerBytes, major, source);
        NpyHeader header = NpyHeader.parse(text, source);
        return new Prelude(header, MAGIC.length + 2L + lengthBytes + headerLength);
    }

    /** Versions 1 and 2 use latin-1, version 3 UTF-8 (strictly decoded). */
    private static String decodeHeader(byte[] bytes, int major, String source) throws CheckpointFormatException {
        if (major < 3) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CheckpointFormatException(source, "npy 3.0 header is not valid UTF-8");
        }
    }
}
