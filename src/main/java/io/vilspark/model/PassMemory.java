package io.vilspark.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A pass's arrays, each handed back as soon as SameDiff's use tracker finds that no later op of the
 * pass (forward or backward) reads it, its buffer kept in {@link IdleBuffers} for reuse by the next
 * array of the same length.
 *
 * <p>A workspace would keep every intermediate result of the pass until it ends: a ViL-T pass at 224
 * px keeps tens of thousands of arrays, most of them needed only by the next few ops. Reusing freed
 * buffers by length (every array here is dense, so a buffer serves any shape of its length) spares the
 * page faults of fresh allocations.
 *
 * <p>Reshapes may run as views of their input ({@link FixedGraphSession}); such a buffer then has
 * several holders and is reused only once the last of them is released ({@link #share}).
 */
final class PassMemory extends AbstractMemoryMgr {
    private final IdleBuffers idle;
    /** Holders beyond the first of a buffer shared by reshape views, by buffer address. */
    private final Map<Long, Integer> extraHolders = new HashMap<>();
    /** Arrays handed out for the caller to keep (a pass's requested outputs): never views, never reused. */
    private final Set<Long> kept = new HashSet<>();

    PassMemory(IdleBuffers idle) {
        this.idle = idle;
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        long length = 1;
        for (long s : shape) {
            length *= s;
        }
        if (detached || length == 0) {
            INDArray out = Nd4j.createUninitializedDetached(dataType, shape);
            if (detached) {
                kept.add(out.getId());
            }
            return out;
        }
        DataBuffer buffer = idle.take(dataType, length);
        if (buffer == null) {
            return Nd4j.createUninitializedDetached(dataType, shape);
        }
        return Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), 0, 'c', dataType);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty() || descriptor.getOrder() != 'c') {
            INDArray out = Nd4j.create(descriptor).detach();
            if (detached) {
                kept.add(out.getId());
            }
            return out;
        }
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    /**
     * Forgets the previous pass's bookkeeping: the arrays the caller kept are its own now, and views
     * of arrays that are never released (placeholders, parameters) are gone with their pass.
     */
    void newPass() {
        kept.clear();
        extraHolders.clear();
    }

    /** Whether {@code array} is scratch memory of the pass (not an array the caller keeps). */
    boolean isScratch(INDArray array) {
        return !kept.contains(array.getId());
    }

    /** {@code view} shares {@code array}'s buffer: the buffer is reused only after both are released. */
    void share(INDArray array) {
        extraHolders.merge(array.data().address(), 1, Integer::sum);
    }

    @Override
    public void release(INDArray array) {
        if (kept.remove(array.getId()) || array.isEmpty() || array.data() == null || array.wasClosed()) {
            return;
        }
        DataBuffer buffer = ownerOf(array.data());
        long address = buffer.address();
        Integer others = extraHolders.get(address);
        if (others != null) {
            if (others == 1) {
                extraHolders.remove(address);
            } else {
                extraHolders.put(address, others - 1);
            }
            return;
        }
        // a reshape view of a whole buffer (offset 0, same length) may be its last holder
        if (array.offset() != 0 || array.isAttached() || array.length() != buffer.length()) {
            return;   // not a whole buffer of its own: left to the garbage collector
        }
        idle.give(buffer);   // once, if released twice
    }

    /**
     * The buffer that holds {@code buffer}'s memory when {@code buffer} is a whole-length view of it. ND4J
     * wraps an input's buffer in a new one for some views (reshapes among them); reusing the wrapper would
     * wrap it again on the next pass, and every access walks the chain (the demo's steps slowed down
     * pass by pass, to half their speed after a few hundred).
     */
    private static DataBuffer ownerOf(DataBuffer buffer) {
        DataBuffer owner = buffer;
        while (owner.underlyingDataBuffer() != null && owner.underlyingDataBuffer() != owner && owner.offset() == 0
                && owner.underlyingDataBuffer().length() == owner.length()) {
            owner = owner.underlyingDataBuffer();
        }
        return owner;
    }

    /** Clears this manager's bookkeeping; the idle buffers belong to {@link IdleBuffers}, which every session shares. */
    @Override
    public void close() {
        extraHolders.clear();
        kept.clear();
    }
}
