package io.vilspark.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void describesItself() {
        Tensor t = Tensor.ofFloat32(new long[] {16, 4, 4}, new float[256]);
        assertEquals("Tensor[float32 [16, 4, 4]]", t.toString());
        assertEquals(256, t.numel());
        assertEquals(3, t.rank());
        assertEquals(4, t.itemSize());
        assertEquals("[]", Tensor.ofFloat64(new long[] {}, new double[1]).shapeString());
    }

    @Test
    void convertsBetweenTypes() {
        assertArrayEquals(new float[] {0.5f, -2f}, Tensor.ofFloat64(new long[] {2}, new double[] {0.5, -2}).toFloatArray());
        assertArrayEquals(new float[] {3f, -4f}, Tensor.ofInt64(new long[] {2}, new long[] {3, -4}).toFloatArray());
        assertArrayEquals(new double[] {7}, Tensor.ofInt32(new long[] {1}, new int[] {7}).toDoubleArray());
        assertArrayEquals(new long[] {7}, Tensor.ofInt32(new long[] {1}, new int[] {7}).toLongArray());
        assertThrows(IllegalStateException.class, () -> Tensor.ofFloat32(new long[] {1}, new float[1]).toLongArray());
    }

    @Test
    void copiesItsShapeButNotItsData() {
        long[] shape = {2};
        float[] data = {1, 2};
        Tensor t = Tensor.ofFloat32(shape, data);
        shape[0] = 99;
        t.shape()[0] = 98;
        assertArrayEquals(new long[] {2}, t.shape());
        float[] converted = t.toFloatArray();
        assertNotSame(data, converted);
        assertEquals(data, t.data());
    }

    @Test
    void equalityComparesContent() {
        Tensor a = Tensor.ofFloat32(new long[] {2}, new float[] {1, 2});
        assertEquals(a, Tensor.ofFloat32(new long[] {2}, new float[] {1, 2}));
        assertEquals(a.hashCode(), Tensor.ofFloat32(new long[] {2}, new float[] {1, 2}).hashCode());
        assertNotEquals(a, Tensor.ofFloat32(new long[] {1, 2}, new float[] {1, 2}));
        assertNotEquals(a, Tensor.ofFloat64(new long[] {2}, new double[] {1, 2}));
    }

    @Test
    void refusesInconsistentConstruction() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloat32(new long[] {3}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloat32(new long[] {-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("float16", new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor(Tensor.FLOAT32, new long[] {1}, new double[1]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor(Tensor.FLOAT32, new long[] {1}, null));
    }
}
