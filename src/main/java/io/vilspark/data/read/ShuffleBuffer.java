package io.vilspark.data.read;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A seeded streaming shuffle: holds up to {@code capacity} items and hands out a random one,
 * refilling from the source. Mixes the order within a partition at bounded memory (a global
 * shuffle is Spark's job, see {@link ReaderConfig#shuffleGlobal()}).
 */
final class ShuffleBuffer<T> implements Iterator<T> {
    private final Iterator<T> source;
    private final int capacity;
    private final SplittableRandom rng;
    private final List<T> buffer;

    ShuffleBuffer(Iterator<T> source, int capacity, SplittableRandom rng) {
        if (capacity < 1) {
            throw new IllegalArgumentException("shuffle buffer capacity must be >= 1, got " + capacity);
        }
        this.source = source;
        this.capacity = capacity;
        this.rng = rng;
        this.buffer = new ArrayList<>(Math.min(capacity, 4096));
    }

    @Override
    public boolean hasNext() {
        fill();
        return !buffer.isEmpty();
    }

    @Override
    public T next() {
        fill();
        if (buffer.isEmpty()) {
            throw new NoSuchElementException();
        }
        int i = rng.nextInt(buffer.size());
        T picked = buffer.get(i);
        int last = buffer.size() - 1;
        buffer.set(i, buffer.get(last));
        buffer.remove(last);
        return picked;
    }

    private void fill() {
        while (buffer.size() < capacity && source.hasNext()) {
            buffer.add(source.next());
        }
    }
}
