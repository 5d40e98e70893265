package io.vilspark.train;

import java.io.Serializable;

/**
 * What one Spark job of training did, as its workers' results add up and an epoch totals them: the
 * trained minibatches' mean losses summed, and the minibatch and image counts.
 */
abstract class RoundTally implements Serializable {
    private static final long serialVersionUID = 1L;

    private double lossSum;
    private long minibatches;
    private long images;

    /** Adds {@code minibatches} minibatches of {@code images} images whose mean losses sum to {@code lossSum}. */
    protected final void count(double lossSum, long minibatches, long images) {
        this.lossSum += lossSum;
        this.minibatches += minibatches;
        this.images += images;
    }

    /** Adds what {@code other} counted. */
    protected final void count(RoundTally other) {
        count(other.lossSum, other.minibatches, other.images);
    }

    /** The sum of the trained minibatches' mean losses. */
    final double lossSum() {
        return lossSum;
    }

    final long minibatches() {
        return minibatches;
    }

    final long images() {
        return images;
    }
}
