package io.vilspark.model;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Freed native buffers kept for reuse by later arrays of the same data type and length, one store for
 * every pass of the JVM (all graphs, threads, training and inference), the oldest freed beyond
 * {@code limitBytes}.
 *
 * <p>One store, not one per session: a session belongs to a (graph, thread) pair, and the pairs change
 * whenever concurrent passes (a validation's Spark tasks) take other pass threads. Stores per session
 * would each fill up to their own limit and never empty, so a long training run's native memory would
 * grow epoch after epoch.
 */
final class IdleBuffers {
    /**
     * The JVM's store: {@code -Dvil.pass.idle.bytes}, default 1 GiB (fresh allocations cost page faults;
     * a pass frees and allocates the same lengths over and over).
     */
    static final IdleBuffers SHARED = new IdleBuffers(Long.getLong("vil.pass.idle.bytes", 1L << 30));

    private final long limitBytes;
    /** Idle buffers by (data type, length), and all of them oldest first for freeing. */
    private final Map<String, ArrayDeque<DataBuffer>> byLength = new HashMap<>();
    private final LinkedHashMap<Long, DataBuffer> byAddress = new LinkedHashMap<>();
    private long bytes;

    IdleBuffers(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** An idle buffer of this type and length, no longer idle; null when there is none. */
    synchronized DataBuffer take(DataType dataType, long length) {
        ArrayDeque<DataBuffer> same = byLength.get(key(dataType, length));
        DataBuffer buffer = same == null ? null : same.pollLast();
        if (buffer != null) {
            byAddress.remove(buffer.address());
            bytes -= bytes(buffer);
        }
        return buffer;
    }

    /** Keeps {@code buffer} for reuse (once, if given twice), then frees the oldest idle buffers beyond the limit. */
    synchronized void give(DataBuffer buffer) {
        if (byAddress.putIfAbsent(buffer.address(), buffer) != null) {
            return;
        }
        byLength.computeIfAbsent(key(buffer.dataType(), buffer.length()), k -> new ArrayDeque<>()).addLast(buffer);
        bytes += bytes(buffer);
        Iterator<DataBuffer> oldest = byAddress.values().iterator();
        while (bytes > limitBytes && oldest.hasNext()) {
            DataBuffer old = oldest.next();
            oldest.remove();
            // buffers enter both collections at their ends and leave the deque's other end when taken, so
            // the oldest idle buffer is the first of its length (Deque.remove would compare contents)
            byLength.get(key(old.dataType(), old.length())).pollFirst();
            bytes -= bytes(old);
            if (old.closeable()) {
                old.close();
            }
        }
    }

    /** Bytes of idle buffers. */
    synchronized long bytes() {
        return bytes;
    }

    private static String key(DataType dataType, long length) {
        return dataType.name() + ":" + length;
    }

    private static long bytes(DataBuffer buffer) {
        return buffer.length() * buffer.getElementSize();
    }
}
