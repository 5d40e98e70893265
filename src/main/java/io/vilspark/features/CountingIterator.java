package io.vilspark.features;

import java.util.Iterator;

import org.apache.spark.util.LongAccumulator;

/** Counts the elements taken from an iterator into a Spark accumulator (the driver's progress line). */
final class CountingIterator<T> implements Iterator<T> {
    private final Iterator<T> source;
    private final LongAccumulator counter;

    CountingIterator(Iterator<T> source, LongAccumulator counter) {
        this.source = source;
        this.counter = counter;
    }

    @Override
    public boolean hasNext() {
        return source.hasNext();
    }

    @Override
    public T next() {
        T t = source.next();
        counter.add(1);
        return t;
    }
}
