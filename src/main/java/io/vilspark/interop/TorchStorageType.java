package io.vilspark.interop;

/**
 * The typed storage classes a torch pickle may name ({@code torch FloatStorage}, ...). All are
 * recognised so that errors can say what a tensor is; only float32 and float64 data is loaded.
 */
enum TorchStorageType {
    FLOAT("FloatStorage", "float32", 4, DType.FLOAT32),
    DOUBLE("DoubleStorage", "float64", 8, DType.FLOAT64),
    HALF("HalfStorage", "float16", 2, null),
    BFLOAT16("BFloat16Storage", "bfloat16", 2, null),
    LONG("LongStorage", "int64", 8, null),
    INT("IntStorage", "int32", 4, null),
    SHORT("ShortStorage", "int16", 2, null),
    CHAR("CharStorage", "int8", 1, null),
    BYTE("ByteStorage", "uint8", 1, null),
    BOOL("BoolStorage", "bool", 1, null),
    COMPLEX_FLOAT("ComplexFloatStorage", "complex64", 8, null),
    COMPLEX_DOUBLE("ComplexDoubleStorage", "complex128", 16, null);

    final String className;
    final String torchDtype;
    final int itemSize;
    /** The tensor dtype this storage is loaded as, or null if its tensors are refused. */
    final DType loadedAs;

    TorchStorageType(String className, String torchDtype, int itemSize, DType loadedAs) {
        this.className = className;
        this.torchDtype = torchDtype;
        this.itemSize = itemSize;
        this.loadedAs = loadedAs;
    }

    /** The name as it appears in a pickle GLOBAL: "torch FloatStorage". */
    String globalName() {
        return "torch " + className;
    }
}
