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

    private static INDArray roundTrip(INDArray array) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayBytes(array));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return ((ArrayBytes) in.readObject()).array();
        }
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
        RoundSums sent = RoundSums.ofWorker(params, state, 2.5, 4, 32);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sent);
        }
        RoundSums got;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            got = (RoundSums) in.readObject();
        }
        assertEquals(4, got.mostSteps());
        assertEquals(32, got.images());
        assertEquals(2.5, got.lossSum());
        assertEquals(params, got.meanParams());
        assertEquals(state, got.meanUpdaterState());
    }
}
