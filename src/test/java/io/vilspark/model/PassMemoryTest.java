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

/** A pass's arrays: reused by length once released, shared buffers only after their last holder, one store for all sessions. */
class PassMemoryTest {
    private static long address(INDArray a) {
        return a.data().address();
    }

    @Test
    void aReleasedBufferServesTheNextArrayOfItsLengthInAnyShape() {
        IdleBuffers idle = new IdleBuffers(1L << 20);
        PassMemory memory = new PassMemory(idle);
        INDArray a = memory.allocate(false, DataType.FLOAT, 4, 6);
        memory.release(a);
        assertEquals(24 * 4, idle.bytes());
        INDArray b = memory.allocate(false, DataType.FLOAT, 2, 3, 4);
        assertEquals(address(a), address(b));
        assertArrayEquals(new long[] {2, 3, 4}, b.shape());
        assertEquals(0, idle.bytes());
        // another length or type gets a buffer of its own
        memory.release(b);
        assertNotEquals(address(b), address(memory.allocate(false, DataType.FLOAT, 25)));
        assertNotEquals(address(b), address(memory.allocate(false, DataType.DOUBLE, 24)));
        memory.release(b);   // released twice: kept once
        assertEquals(24 * 4, idle.bytes());
    }

    @Test
    void aSharedBufferIsReusedOnlyAfterItsLastHolder() {
        IdleBuffers idle = new IdleBuffers(1L << 20);
        PassMemory memory = new PassMemory(idle);
        INDArray in = memory.allocate(false, DataType.FLOAT, 4, 3);
        INDArray view = in.reshape('c', 2, 6);
        memory.share(in);
        memory.release(in);
        assertEquals(0, idle.bytes());
        assertNotEquals(address(in), address(memory.allocate(false, DataType.FLOAT, 12)));
        memory.release(view);
        assertEquals(12 * 4, idle.bytes());
        assertEquals(address(in), address(memory.allocate(false, DataType.FLOAT, 3, 4)));
    }

    @Test
    void arraysTheCallerKeepsAreNeverReusedAndIdleBuffersBeyondTheLimitAreFreed() {
        IdleBuffers idle = new IdleBuffers(100 * 4);
        PassMemory memory = new PassMemory(idle);
        INDArray output = memory.allocate(true, DataType.FLOAT, 10);
        assertFalse(memory.isScratch(output));
        memory.release(output);
        assertEquals(0, idle.bytes());

        INDArray first = memory.allocate(false, DataType.FLOAT, 60);
        INDArray second = memory.allocate(false, DataType.FLOAT, 60);
        assertTrue(memory.isScratch(first));
        memory.release(first);
        memory.release(second);
        // both would exceed the limit: the older one is freed
        assertEquals(60 * 4, idle.bytes());
        assertTrue(first.wasClosed());
        assertEquals(address(second), address(memory.allocate(false, DataType.FLOAT, 60)));
    }

    /** ND4J wraps a view's buffer around its input's; reusing the wrapper would grow a chain pass by pass. */
    @Test
    void aWrappingViewGivesBackTheBufferItWraps() {
        IdleBuffers idle = new IdleBuffers(1L << 20);
        PassMemory memory = new PassMemory(idle);
        INDArray array = memory.allocate(false, DataType.FLOAT, 12);
        DataBuffer owner = array.data();
        INDArray view = Nd4j.create(Nd4j.createBuffer(owner, 0, 12), new long[] {3, 4}, Nd4j.getStrides(new long[] {3, 4}, 'c'),
                0, 'c', DataType.FLOAT);
        assertNotSame(owner, view.data(), "ND4J wraps the buffer");
        memory.release(view);
        assertEquals(12 * 4, idle.bytes());
        assertSame(owner, memory.allocate(false, DataType.FLOAT, 4, 3).data());
    }

    /**
     * Every session takes from and gives to one store: a buffer one session freed serves another's next
     * array, and the store's limit holds for all of them together (stores per session would each fill up
     * to their own limit, and concurrent passes keep adding sessions).
     */
    @Test
    void sessionsShareOneStoreWithinOneLimit() {
        IdleBuffers idle = new IdleBuffers(100 * 4);
        PassMemory training = new PassMemory(idle);
        PassMemory inference = new PassMemory(idle);
        INDArray a = training.allocate(false, DataType.FLOAT, 60);
        INDArray b = inference.allocate(false, DataType.FLOAT, 60);
        training.release(a);
        assertEquals(address(a), address(inference.allocate(false, DataType.FLOAT, 6, 10)));
        INDArray c = training.allocate(false, DataType.FLOAT, 60);
        training.release(c);
        inference.release(b);
        assertEquals(60 * 4, idle.bytes());
        assertTrue(c.wasClosed(), "the older of two buffers beyond the shared limit is freed");
        inference.close();
        assertEquals(60 * 4, idle.bytes(), "closing a session leaves the store to the others");
        assertEquals(address(b), address(training.allocate(false, DataType.FLOAT, 60)));
        assertEquals(0, idle.bytes());
    }
}
