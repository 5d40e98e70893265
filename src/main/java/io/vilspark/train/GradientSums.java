package io.vilspark.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the workers of one synchronous step send back, summed by Spark's {@code treeAggregate}: the
 * gradient summed over every image they trained (DL4J's form before its updater divides by the batch
 * size), the minibatches' losses, and the minibatch and image counts. The gradient travels as
 * {@link ArrayBytes}.
 */
final class GradientSums extends RoundTally {
    private static final long serialVersionUID = 1L;

    private transient INDArray gradient;

    /** One minibatch's gradient sum (kept, not copied), its mean loss and its size. */
    static GradientSums ofMinibatch(INDArray gradient, double loss, long images) {
        GradientSums s = new GradientSums();
        s.gradient = gradient;
        s.count(loss, 1, images);
        return s;
    }

    /** Adds {@code other} into this (reusing this object's gradient) and returns this. */
    GradientSums add(GradientSums other) {
        if (other.minibatches() == 0) {
            return this;
        }
        if (minibatches() == 0) {
            return other;
        }
        gradient.addi(other.gradient);
        count(other);
        return this;
    }

    /** The summed gradient; null when no worker trained. */
    INDArray gradient() {
        return gradient;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        ArrayBytes.write(out, gradient);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        gradient = ArrayBytes.read(in);
    }
}
