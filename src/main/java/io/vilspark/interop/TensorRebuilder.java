package io.vilspark.interop;

import java.util.Arrays;
import java.util.Map;

/**
 * {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
 * backward_hooks[, metadata])}: cuts a tensor out of a storage. Strides are honoured, so views and
 * non-contiguous tensors come out as dense C-ordered copies.
 */
final class TensorRebuilder implements PickleCallable {

    private static final int MAX_RANK = 64;

    private final TorchArchive archive;
    private final String source;

    TensorRebuilder(TorchArchive archive, String source) {
        this.archive = archive;
        this.source = source;
    }

    /** Returns a {@link Tensor}, or an {@link UnloadedTensor} for storage types we do not load. */
    @Override
    public Object call(PyTuple args) throws CheckpointFormatException {
        if (args.size() != 6 && args.size() != 7) {
            throw error("_rebuild_tensor_v2 takes 6 or 7 arguments, got " + args.size());
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw error("_rebuild_tensor_v2 needs a storage (persistent id) first, got "
                    + Printable.typeOf(args.get(0)));
        }
        long offset = nonNegative(args.get(1), "storage_offset");
        long[] size = dims(args.get(2), "size");
        long[] stride = dims(args.get(3), "stride");
        if (size.length != stride.length) {
            throw error("tensor size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride)
                    + " have different ranks");
        }
        if (!(args.get(4) instanceof Boolean)) {
            throw error("requires_grad must be a bool, got " + Printable.typeOf(args.get(4)));
        }
        if (!(args.get(5) instanceof Map)) {
            throw error("backward_hooks must be a dict, got " + Printable.typeOf(args.get(5)));
        }
        if (args.size() == 7 && args.get(6) != null && !(args.get(6) instanceof Map)) {
            throw error("tensor metadata must be a dict, got " + Printable.typeOf(args.get(6)));
        }
        long numel = DType.numelOf(size);
        if (numel < 0) {
            throw error("tensor size " + Arrays.toString(size) + " has too many elements");
        }
        checkExtent(storage, offset, size, stride, numel);
        DType type = storage.type().loadedAs;
        if (type == null) {
            return new UnloadedTensor(storage.type(), size);
        }
        if (numel > DType.MAX_ELEMENTS) {
            throw error("tensor size " + Arrays.toString(size) + " has more elements than one Java array can hold");
        }
        Object data = archive.data(storage);
        boolean contiguous = isContiguous(size, stride);
        if (offset == 0 && contiguous && numel == storage.numel() && archive.takeWhole(storage)) {
            return new Tensor(type.label, size, data);
        }
        archive.chargeCopy(numel * type.itemSize);
        Object out = contiguous
                ? copyRange(type, data, (int) offset, (int) numel)
                : gather(type, data, sourceIndices(offset, size, stride, (int) numel));
        return new Tensor(type.label, size, out);
    }

    /** Every element the size/stride/offset can address must lie inside the storage. */
    private void checkExtent(StorageRef storage, long offset, long[] size, long[] stride, long numel)
            throws CheckpointFormatException {
        if (numel == 0) {
            if (offset > storage.numel()) {
                throw error("storage_offset " + offset + " is beyond storage " + Printable.quote(storage.key())
                        + " of " + storage.numel() + " elements");
            }
            return;
        }
        long last = offset;
        try {
            for (int i = 0; i < size.length; i++) {
                last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
        } catch (ArithmeticException overflow) {
            last = Long.MAX_VALUE;
        }
        if (last >= storage.numel()) {
            throw error("tensor of size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride)
                    + " and offset " + offset + " reaches element " + last + " but storage "
                    + Printable.quote(storage.key()) + " has only " + storage.numel() + " elements");
        }
    }

    /** C-contiguous: each stride equals the product of the later sizes (dimensions of size 1 ignored). */
    static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    private static Object copyRange(DType type, Object data, int offset, int numel) {
        Object out = type.allocate(numel);
        System.arraycopy(data, offset, out, 0, numel);
        return out;
    }

    /** Storage index of every element in C order (an odometer over the dimensions). */
    private static int[] sourceIndices(long offset, long[] size, long[] stride, int numel) {
        int[] indices = new int[numel];
        int rank = size.length;
        long[] counter = new long[rank];
        long at = offset;
        for (int i = 0; i < numel; i++) {
            indices[i] = (int) at;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                at += stride[d];
                if (counter[d] < size[d]) {
                    break;
                }
                at -= size[d] * stride[d];
                counter[d] = 0;
            }
        }
        return indices;
    }

    private static Object gather(DType type, Object data, int[] indices) {
        int n = indices.length;
        switch (type) {
            case FLOAT32 -> {
                float[] src = (float[]) data;
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = src[indices[i]];
                }
                return out;
            }
            case FLOAT64 -> {
                double[] src = (double[]) data;
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = src[indices[i]];
                }
                return out;
            }
            case INT64 -> {
                long[] src = (long[]) data;
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = src[indices[i]];
                }
                return out;
            }
            default -> {
                int[] src = (int[]) data;
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = src[indices[i]];
                }
                return out;
            }
        }
    }

    private long nonNegative(Object value, String what) throws CheckpointFormatException {
        if (!(value instanceof Long v) || v < 0) {
            throw error(what + " must be a non-negative int, got " + Printable.typeOf(value));
        }
        return v;
    }

    private long[] dims(Object value, String what) throws CheckpointFormatException {
        if (!(value instanceof PyTuple tuple)) {
            throw error("tensor " + what + " must be a tuple, got " + Printable.typeOf(value));
        }
        if (tuple.size() > MAX_RANK) {
            throw error("tensor " + what + " has more than " + MAX_RANK + " dimensions");
        }
        long[] out = new long[tuple.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(tuple.get(i), "tensor " + what + " entry");
        }
        return out;
    }

    private CheckpointFormatException error(String problem) {
        return new CheckpointFormatException(source, problem);
    }
}
