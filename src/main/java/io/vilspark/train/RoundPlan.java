package io.vilspark.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * How an epoch's minibatches are spread over rounds (Spark jobs): {@code floor(minibatches / (workers x
 * minibatchesPerRound))} rounds (at least one), and each worker's minibatches cut evenly into that many
 * consecutive shares, so every minibatch is trained exactly once and a worker trains about
 * {@code minibatchesPerRound} minibatches per round even when the partitions differ in size. Averaging
 * rounds take {@code averaging_frequency} minibatches per worker; synchronous gradient steps one.
 */
final class RoundPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] minibatchesPerWorker;
    private final int rounds;

    /** @param minibatchesPerWorker the minibatches in each partition of the epoch's RDD */
    RoundPlan(long[] minibatchesPerWorker, int minibatchesPerRound) {
        this.minibatchesPerWorker = minibatchesPerWorker.clone();
        long total = Arrays.stream(minibatchesPerWorker).sum();
        long perRound = (long) Math.max(1, minibatchesPerWorker.length) * minibatchesPerRound;
        this.rounds = (int) Math.max(1, total / perRound);
    }

    int rounds() {
        return rounds;
    }

    long minibatches() {
        return Arrays.stream(minibatchesPerWorker).sum();
    }

    /** The first minibatch (index within its partition) that {@code worker} trains in {@code round}. */
    long from(int worker, int round) {
        return minibatchesPerWorker[worker] * round / rounds;
    }

    /** One past the last minibatch that {@code worker} trains in {@code round}. */
    long to(int worker, int round) {
        return from(worker, round + 1);
    }

    /**
     * The minibatches {@code worker} trains in {@code round}, read from its partition's iterator (which starts
     * at the partition's first minibatch): the ones before are skipped, the ones after are left unread.
     */
    <T> Iterator<T> share(int worker, int round, Iterator<T> partition) {
        long from = from(worker, round);
        for (long i = 0; i < from && partition.hasNext(); i++) {
            partition.next();
        }
        long count = to(worker, round) - from;
        return new Iterator<>() {
            private long left = count;

            @Override
            public boolean hasNext() {
                return left > 0 && partition.hasNext();
            }

            @Override
            public T next() {
                left--;
                return partition.next();
            }
        };
    }
}
