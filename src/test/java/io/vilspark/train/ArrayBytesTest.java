package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ArrayBytesTest {

    /** {@code value} through Java serialisation, as Spark carries broadcasts and task results. */
    @SuppressWarnings("unchecked")
    private static <T> T serialisedAndBack(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private static INDArray roundTrip(INDArray array) throws IOException, ClassNotFoundException {
        return serialisedAndBack(new ArrayBytes(array)).array();
    }

    @Test
    void floatsLongerThanOneChunkComeBackBitForBit() throws Exception {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 400_001).subi(0.5).muli(1e-3);
        INDArray back = roundTrip(a);
        assertArrayEquals(a.shape(), back.shape());
        assertEquals(DataType.FLOAT, back.dataType());
        assertArrayEquals(a.data().asFloat(), back.data().asFloat());
    }

    @Test
    void viewsAndColumnMajorArraysCarryTheirOwnValues() throws Exception {
        INDArray whole = Nd4j.arange(60).castTo(DataType.DOUBLE).reshape(6, 10);
        INDArray view = whole.get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 7));
        INDArray back = roundTrip(view);
        assertEquals(view, back);
        assertEquals(DataType.DOUBLE, back.dataType());
        INDArray fOrder = whole.dup('f');
        assertEquals(whole, roundTrip(fOrder));
    }

    @Test
    void nullStaysNull() throws Exception {
        assertNull(roundTrip(null));
    }

    @Test
    void workersResultsTravelWithTheirArraysAndCounts() throws Exception {
        INDArray params = Nd4j.rand(DataType.FLOAT, 1, 1000);
        INDArray state = Nd4j.rand(DataType.FLOAT, 1, 2000);
        RoundSums got = serialisedAndBack(RoundSums.ofWorker(params, state, 2.5, 4, 32));
        assertEquals(4, got.mostSteps());
        assertEquals(32, got.images());
        assertEquals(2.5, got.lossSum());
        assertEquals(params, got.meanParams());
        assertEquals(state, got.meanUpdaterState());
    }
}
