package io.vilspark.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the workers of one averaging round send back, summed by Spark's {@code treeAggregate}: their
 * parameters and updater states, training losses, minibatch and image counts, and the most steps one
 * worker took. The driver divides the sums by the number of workers that trained. The arrays travel as
 * {@link ArrayBytes}.
 */
final class RoundSums extends RoundTally {
    private static final long serialVersionUID = 1L;

    private transient INDArray params;
    private transient INDArray updaterState;
    private int workers;
    private int mostSteps;

    /** One worker's result after {@code steps} minibatches of {@code images} images. */
    static RoundSums ofWorker(INDArray params, INDArray updaterState, double lossSum, int steps, long images) {
        RoundSums s = new RoundSums();
        s.params = params;
        s.updaterState = updaterState;
        s.count(lossSum, steps, images);
        s.workers = 1;
        s.mostSteps = steps;
        return s;
    }

    /** Adds {@code other} into this (reusing this object's arrays) and returns this. */
    RoundSums add(RoundSums other) {
        if (other.workers == 0) {
            return this;
        }
        if (workers == 0) {
            return other;
        }
        params.addi(other.params);
        if (updaterState != null) {
            updaterState.addi(other.updaterState);
        }
        count(other);
        workers += other.workers;
        mostSteps = Math.max(mostSteps, other.mostSteps);
        return this;
    }

    int workers() {
        return workers;
    }

    /** The workers' mean parameters (divides the sum in place). */
    INDArray meanParams() {
        return params.divi(workers);
    }

    /** The workers' mean updater state (in place), or null when the updater keeps none. */
    INDArray meanUpdaterState() {
        return updaterState == null ? null : updaterState.divi(workers);
    }

    int mostSteps() {
        return mostSteps;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        ArrayBytes.write(out, params);
        ArrayBytes.write(out, updaterState);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        params = ArrayBytes.read(in);
        updaterState = ArrayBytes.read(in);
    }
}
