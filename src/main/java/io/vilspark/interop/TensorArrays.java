package io.vilspark.interop;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Converts between the readers' plain {@link Tensor}s and ND4J arrays (C order). */
public final class TensorArrays {
    private TensorArrays() {
    }

    public static INDArray toArray(Tensor t) {
        long[] shape = t.shape();
        return switch (t.dtype()) {
            case Tensor.FLOAT64 -> Nd4j.create(t.toDoubleArray(), shape, DataType.DOUBLE);
            case Tensor.INT64, Tensor.INT32 -> Nd4j.createFromArray(t.toLongArray()).reshape(shape);
            default -> Nd4j.create(t.toFloatArray(), shape, 'c');
        };
    }

    /** Float32 arrays for every tensor, keeping the order. */
    public static Map<String, INDArray> toFloatArrays(Map<String, Tensor> tensors) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, toArray(v).castTo(DataType.FLOAT)));
        return out;
    }

    public static Tensor toTensor(INDArray a) {
        long[] shape = a.shape();
        INDArray flat = a.dup('c').reshape(a.length());
        return switch (a.dataType()) {
            case DOUBLE -> Tensor.ofFloat64(shape, flat.toDoubleVector());
            case LONG -> Tensor.ofInt64(shape, flat.toLongVector());
            default -> Tensor.ofFloat32(shape, flat.castTo(DataType.FLOAT).toFloatVector());
        };
    }
}
