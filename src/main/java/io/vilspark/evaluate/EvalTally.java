package io.vilspark.evaluate;

import java.io.Serializable;

import io.vilspark.inference.ModelOutputs;

/**
 * The counts of an evaluation: the confusion matrix (true class x predicted class), the summed
 * cross-entropy, top-k hits and unlabelled rows. Every number is a sum, so partitions are counted
 * on the executors and merged in any order with the same result.
 *
 * <p>Rules: the prediction is the first class with the largest logit; an image is a top-k hit when
 * fewer than k classes have a strictly larger logit than its true class; the loss is
 * {@code logsumexp(logits) - logits[label]} (softmax cross-entropy), computed in double.
 */
public final class EvalTally implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int classes;
    private final int topK;
    private final long[] confusion;
    private double lossSum;
    private long topKHits;
    private long unlabelled;

    public EvalTally(int classes, int topK) {
        this.classes = classes;
        this.topK = topK;
        this.confusion = new long[classes * classes];
    }

    /** Adds a minibatch's outputs; {@code labels[i] == -1} marks an unlabelled image (counted, not scored). */
    public void add(ModelOutputs outputs, int[] labels) {
        int k = outputs.classes();
        if (k != classes) {
            throw new IllegalArgumentException("the model has " + k + " classes, the tally " + classes);
        }
        float[] logits = outputs.logits();
        for (int row = 0; row < outputs.rows(); row++) {
            int label = labels[row];
            if (label < 0) {
                unlabelled++;
                continue;
            }
            add(logits, row * k, label);
        }
    }

    private void add(float[] logits, int offset, int label) {
        int predicted = 0;
        double max = logits[offset];
        for (int c = 1; c < classes; c++) {
            if (logits[offset + c] > max) {
                max = logits[offset + c];
                predicted = c;
            }
        }
        double sum = 0;
        int higher = 0;
        float own = logits[offset + label];
        for (int c = 0; c < classes; c++) {
            float v = logits[offset + c];
            sum += Math.exp(v - max);
            if (v > own) {
                higher++;
            }
        }
        lossSum += max + Math.log(sum) - own;
        if (higher < topK) {
            topKHits++;
        }
        confusion[label * classes + predicted]++;
    }

    /** Adds another tally's counts to this one; returns this. */
    public EvalTally merge(EvalTally other) {
        if (other.classes != classes || other.topK != topK) {
            throw new IllegalArgumentException("tallies of different shape");
        }
        for (int i = 0; i < confusion.length; i++) {
            confusion[i] += other.confusion[i];
        }
        lossSum += other.lossSum;
        topKHits += other.topKHits;
        unlabelled += other.unlabelled;
        return this;
    }

    public int classes() {
        return classes;
    }

    public int topK() {
        return topK;
    }

    /** Images of class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return confusion[actual * classes + predicted];
    }

    /** Labelled images of class {@code actual}. */
    public long support(int actual) {
        long n = 0;
        for (int p = 0; p < classes; p++) {
            n += count(actual, p);
        }
        return n;
    }

    /** Labelled images scored. */
    public long rows() {
        long n = 0;
        for (long c : confusion) {
            n += c;
        }
        return n;
    }

    public long correct() {
        long n = 0;
        for (int c = 0; c < classes; c++) {
            n += count(c, c);
        }
        return n;
    }

    public long topKHits() {
        return topKHits;
    }

    public long unlabelled() {
        return unlabelled;
    }

    public double lossSum() {
        return lossSum;
    }

    public double meanLoss() {
        return lossSum / rows();
    }

    public double top1() {
        return (double) correct() / rows();
    }

    public double topKAccuracy() {
        return (double) topKHits / rows();
    }

    /** Share of class {@code c}'s images predicted as {@code c}; NaN when the class has none. */
    public double classAccuracy(int c) {
        long support = support(c);
        return support == 0 ? Double.NaN : (double) count(c, c) / support;
    }
}
