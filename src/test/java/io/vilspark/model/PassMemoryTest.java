package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A training pass's arrays: reused by length once released, shared buffers only after their last holder. */
class PassMemoryTest {
    private static long address(INDArray a) {
        return a.data().address();
    }

    @Test
    void aReleasedBufferServesTheNextArrayOfItsLengthInAnyShape() {
        PassMemory memory = new PassMemory(1L << 20);
        INDArray a = memory.allocate(false, DataType.FLOAT, 4, 6);
        memory.release(a);
        assertEquals(24 * 4, memory.idleBytes());
        INDArray b = memory.allocate(false, DataType.FLOAT, 2, 3, 4);
        assertEquals(address(a), address(b));
        assertArrayEquals(new long[] {2, 3, 4}, b.shape());
        assertEquals(0, memory.idleBytes());
        // another length or type gets a buffer of its own
        memory.release(b);
        assertNotEquals(address(b), address(memory.allocate(false, DataType.FLOAT, 25)));
        assertNotEquals(address(b), address(memory.allocate(false, DataType.DOUBLE, 24)));
        memory.release(b);   // released twice: kept once
        assertEquals(24 * 4, memory.idleBytes());
    }

    @Test
    void aSharedBufferIsReusedOnlyAfterItsLastHolder() {
        PassMemory memory = new PassMemory(1L << 20);
        INDArray in = memory.allocate(false, DataType.FLOAT, 4, 3);
        INDArray view = in.reshape('c', 2, 6);
        memory.share(in);
        memory.release(in);
        assertEquals(0, memory.idleBytes());
        assertNotEquals(address(in), address(memory.allocate(false, DataType.FLOAT, 12)));
        memory.release(view);
        assertEquals(12 * 4, memory.idleBytes());
        assertEquals(address(in), address(memory.allocate(false, DataType.FLOAT, 3, 4)));
    }

    @Test
    void arraysTheCallerKeepsAreNeverReusedAndIdleBuffersBeyondTheLimitAreFreed() {
        PassMemory memory = new PassMemory(100 * 4);
        INDArray output = memory.allocate(true, DataType.FLOAT, 10);
        assertFalse(memory.isScratch(output));
        memory.release(output);
        assertEquals(0, memory.idleBytes());

        INDArray first = memory.allocate(false, DataType.FLOAT, 60);
        INDArray second = memory.allocate(false, DataType.FLOAT, 60);
        assertTrue(memory.isScratch(first));
        memory.release(first);
        memory.release(second);
        // both would exceed the limit: the older one is freed
        assertEquals(60 * 4, memory.idleBytes());
        assertTrue(first.wasClosed());
        assertEquals(address(second), address(memory.allocate(false, DataType.FLOAT, 60)));
    }

    /** ND4J wraps a view's buffer around its input's; reusing the wrapper would grow a chain pass by pass. */
    @Test
    void aWrappingViewGivesBackTheBufferItWraps() {
        PassMemory memory = new PassMemory(1L << 20);
        INDArray array = memory.allocate(false, DataType.FLOAT, 12);
        DataBuffer owner = array.data();
        INDArray view = Nd4j.create(Nd4j.createBuffer(owner, 0, 12), new long[] {3, 4}, Nd4j.getStrides(new long[] {3, 4}, 'c'),
                0, 'c', DataType.FLOAT);
        assertNotSame(owner, view.data(), "ND4J wraps the buffer");
        memory.release(view);
        assertEquals(12 * 4, memory.idleBytes());
        assertSame(owner, memory.allocate(false, DataType.FLOAT, 4, 3).data());
    }
}
