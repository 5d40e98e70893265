package io.vilspark.interop;

import java.util.Arrays;

/**
 * A dense, C-ordered (row-major) array read from or written to a checkpoint file.
 *
 * <p>{@code data} is a {@code float[]} for "float32", {@code double[]} for "float64",
 * {@code long[]} for "int64" and {@code int[]} for "int32". The data array is kept as is (not
 * copied) so that loading a large model does not double its memory; the shape is copied.
 */
public record Tensor(String dtype, long[] shape, Object data) {

    public static final String FLOAT32 = "float32";
    public static final String FLOAT64 = "float64";
    public static final String INT64 = "int64";
    public static final String INT32 = "int32";

    /** Checks that dtype, data array and shape agree; these are programming errors, not input errors. */
    public Tensor {
        DType type = DType.ofLabel(dtype);
        shape = shape.clone();
        long numel = DType.numelOf(shape);
        if (numel < 0) {
            throw new IllegalArgumentException("invalid shape " + Arrays.toString(shape));
        }
        int length = type.lengthOf(data);
        if (length < 0) {
            throw new IllegalArgumentException("data for dtype " + dtype + " must be a "
                    + type.allocate(0).getClass().getSimpleName() + ", got "
                    + (data == null ? "null" : data.getClass().getSimpleName()));
        }
        if (length != numel) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + numel
                    + " elements but the data array has " + length);
        }
    }

    public static Tensor ofFloat32(long[] shape, float[] data) {
        return new Tensor(FLOAT32, shape, data);
    }

    public static Tensor ofFloat64(long[] shape, double[] data) {
        return new Tensor(FLOAT64, shape, data);
    }

    public static Tensor ofInt64(long[] shape, long[] data) {
        return new Tensor(INT64, shape, data);
    }

    public static Tensor ofInt32(long[] shape, int[] data) {
        return new Tensor(INT32, shape, data);
    }

    /** A copy of the shape (the record keeps its own). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    public long numel() {
        return DType.numelOf(shape);
    }

    /** Bytes per element: 4 or 8. */
    public int itemSize() {
        return type().itemSize;
    }

    public boolean isFloat32() {
        return FLOAT32.equals(dtype);
    }

    DType type() {
        return DType.ofLabel(dtype);
    }

    /** A new float array: a copy for float32; float64 is rounded, integers converted (exact up to 2^24). */
    public float[] toFloatArray() {
        if (data instanceof float[] f) {
            return f.clone();
        }
        float[] out = new float[(int) numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) at(i);
        }
        return out;
    }

    /** A new double array (exact for every dtype except int64 beyond 2^53). */
    public double[] toDoubleArray() {
        if (data instanceof double[] d) {
            return d.clone();
        }
        double[] out = new double[(int) numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = at(i);
        }
        return out;
    }

    /** Element {@code i} (flat, row-major) as a double, whatever the stored type. */
    private double at(int i) {
        if (data instanceof float[] f) {
            return f[i];
        }
        if (data instanceof double[] d) {
            return d[i];
        }
        if (data instanceof long[] l) {
            return l[i];
        }
        return ((int[]) data)[i];
    }

    /** A new long array; only for integer tensors (e.g. labels), since rounding floats silently would hide bugs. */
    public long[] toLongArray() {
        if (data instanceof long[] l) {
            return l.clone();
        }
        if (data instanceof int[] a) {
            long[] out = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        throw new IllegalStateException("toLongArray() needs an integer tensor, this one is " + dtype);
    }

    /** The shape as "[16, 4, 4]" ("[]" for a scalar). */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** Equal dtype, shape and elements ({@link Arrays#equals} semantics: bitwise, NaNs canonicalised). */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Tensor t)) {
            return false;
        }
        return dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {t.data});
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.deepHashCode(new Object[] {data});
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + shapeString() + "]";
    }
}
