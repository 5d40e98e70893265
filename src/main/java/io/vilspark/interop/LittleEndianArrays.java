package io.vilspark.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads and writes raw little-endian element data in bounded chunks (never one huge byte[]). */
final class LittleEndianArrays {

    /** A multiple of every item size, so a chunk never splits an element. */
    private static final int CHUNK_BYTES = 1 << 16;

    private LittleEndianArrays() {
    }

    /**
     * Reads exactly {@code count} elements. The array starts at {@code initialCapacity} elements and
     * grows as bytes actually arrive, so a stream that lies about its length cannot make us allocate
     * memory for data it does not have. Callers that have already checked the byte count against a
     * file or entry size pass {@code initialCapacity = count}.
     */
    static Object read(InputStream in, DType type, int count, int initialCapacity, String source, String what)
            throws IOException {
        Object array = type.allocate(Math.max(0, Math.min(count, initialCapacity)));
        int capacity = type.lengthOf(array);
        byte[] chunk = new byte[CHUNK_BYTES];
        int done = 0;
        while (done < count) {
            int elements = (int) Math.min(count - done, (long) CHUNK_BYTES / type.itemSize);
            int wanted = elements * type.itemSize;
            int got = in.readNBytes(chunk, 0, wanted);
            if (got < wanted) {
                long have = (long) done * type.itemSize + got;
                throw new CheckpointFormatException(source, what + " is truncated: expected "
                        + (long) count * type.itemSize + " bytes, found " + have);
            }
            if (done + elements > capacity) {
                capacity = (int) Math.min(count, Math.max((long) done + elements, 2L * capacity));
                array = type.copyOf(array, capacity);
            }
            decode(ByteBuffer.wrap(chunk, 0, wanted).order(ByteOrder.LITTLE_ENDIAN), type, array, done, elements);
            done += elements;
        }
        return array;
    }

    private static void decode(ByteBuffer bytes, DType type, Object array, int offset, int elements) {
        switch (type) {
            case FLOAT32 -> bytes.asFloatBuffer().get((float[]) array, offset, elements);
            case FLOAT64 -> bytes.asDoubleBuffer().get((double[]) array, offset, elements);
            case INT64 -> bytes.asLongBuffer().get((long[]) array, offset, elements);
            case INT32 -> bytes.asIntBuffer().get((int[]) array, offset, elements);
        }
    }

    /** Writes all elements of the tensor, little-endian. */
    static void write(OutputStream out, Tensor tensor) throws IOException {
        DType type = tensor.type();
        Object array = tensor.data();
        int count = type.lengthOf(array);
        byte[] chunk = new byte[CHUNK_BYTES];
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < count; ) {
            int elements = Math.min(count - done, CHUNK_BYTES / type.itemSize);
            switch (type) {
                case FLOAT32 -> bytes.asFloatBuffer().put((float[]) array, done, elements);
                case FLOAT64 -> bytes.asDoubleBuffer().put((double[]) array, done, elements);
                case INT64 -> bytes.asLongBuffer().put((long[]) array, done, elements);
                case INT32 -> bytes.asIntBuffer().put((int[]) array, done, elements);
            }
            out.write(chunk, 0, elements * type.itemSize);
            done += elements;
        }
    }
}
