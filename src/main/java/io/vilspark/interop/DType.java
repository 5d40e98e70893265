package io.vilspark.interop;

/** The element types a {@link Tensor} can hold, with their Java array type and byte size. */
enum DType {
    FLOAT32("float32", 4),
    FLOAT64("float64", 8),
    INT64("int64", 8),
    INT32("int32", 4);

    /** Java arrays hold at most about this many elements (VM header slack). */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    final String label;
    final int itemSize;

    DType(String label, int itemSize) {
        this.label = label;
        this.itemSize = itemSize;
    }

    static DType ofLabel(String label) {
        for (DType t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype " + Printable.quote(label)
                + " (known: float32, float64, int64, int32)");
    }

    Object allocate(int length) {
        return switch (this) {
            case FLOAT32 -> new float[length];
            case FLOAT64 -> new double[length];
            case INT64 -> new long[length];
            case INT32 -> new int[length];
        };
    }

    /** The length of an array of this type, or -1 if the object is not such an array. */
    int lengthOf(Object array) {
        return switch (this) {
            case FLOAT32 -> array instanceof float[] a ? a.length : -1;
            case FLOAT64 -> array instanceof double[] a ? a.length : -1;
            case INT64 -> array instanceof long[] a ? a.length : -1;
            case INT32 -> array instanceof int[] a ? a.length : -1;
        };
    }

    Object copyOf(Object array, int newLength) {
        return switch (this) {
            case FLOAT32 -> java.util.Arrays.copyOf((float[]) array, newLength);
            case FLOAT64 -> java.util.Arrays.copyOf((double[]) array, newLength);
            case INT64 -> java.util.Arrays.copyOf((long[]) array, newLength);
            case INT32 -> java.util.Arrays.copyOf((int[]) array, newLength);
        };
    }

    /** Number of elements of a shape, or -1 if a dimension is negative or the product overflows a long. */
    static long numelOf(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException overflow) {
                return -1;
            }
        }
        return n;
    }
}
