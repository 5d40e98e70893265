package io.vilspark.train;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How an epoch's minibatches are spread over averaging rounds: {@code floor(minibatches / (workers x
 * averaging_frequency))} rounds (at least one), and each worker's minibatches cut evenly into that many
 * consecutive shares, so every minibatch is trained exactly once and a worker trains about
 * {@code averaging_frequency} minibatches per round even when the partitions differ in size.
 */
final class RoundPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] minibatchesPerWorker;
    private final int rounds;

    /** @param minibatchesPerWorker the minibatches in each partition of the epoch's RDD */
    RoundPlan(long[] minibatchesPerWorker, int averagingFrequency) {
        this.minibatchesPerWorker = minibatchesPerWorker.clone();
        long total = Arrays.stream(minibatchesPerWorker).sum();
        long perRound = (long) Math.max(1, minibatchesPerWorker.length) * averagingFrequency;
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
}
