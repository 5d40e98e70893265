package io.vilspark.train;

/** What one Spark job of training did, as an epoch adds it up: training loss and how much was trained. */
interface RoundTally {
    /** The sum of the trained minibatches' mean losses. */
    double lossSum();

    long minibatches();

    long images();
}
