package io.vilspark.train;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

import org.nd4j.evaluation.BaseEvaluation;
import org.nd4j.evaluation.IMetric;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The mean cross-entropy of predicted class probabilities against (possibly soft) labels, as a
 * DL4J evaluation: validation gets its loss in the same pass over the data as its accuracy, where
 * {@code calculateScore} made a second one (half of the demo's validation time).
 *
 * <p>Probabilities below {@link #FLOOR} count as the floor (a loss of at most ~87 per image), where
 * the network's own loss works on log-probabilities.
 */
public final class CrossEntropyEvaluation extends BaseEvaluation<CrossEntropyEvaluation> {
    private static final long serialVersionUID = 1L;
    /** The smallest normal float32. */
    static final double FLOOR = Float.MIN_NORMAL;

    /** Exact, so that the mean does not depend on the order Spark merges partitions in. */
    private BigDecimal sum = BigDecimal.ZERO;
    private long count;

    @Override
    public void eval(INDArray labels, INDArray predictions, INDArray mask, List<? extends Serializable> recordMetaData) {
        if (mask != null) {
            throw new IllegalArgumentException("masked labels are not supported");
        }
        if (labels.rank() != 2 || !java.util.Arrays.equals(labels.shape(), predictions.shape())) {
            throw new IllegalArgumentException("labels and predictions [batch, classes] expected, got "
                    + java.util.Arrays.toString(labels.shape()) + " and " + java.util.Arrays.toString(predictions.shape()));
        }
        INDArray logP = Transforms.log(Transforms.max(predictions.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE), FLOOR, false), false);
        sum = sum.subtract(BigDecimal.valueOf(labels.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).mul(logP).sumNumber().doubleValue()));
        count += labels.size(0);
    }

    /** The mean loss per image (NaN before any image). */
    public double meanLoss() {
        return count == 0 ? Double.NaN : sum.doubleValue() / count;
    }

    public long count() {
        return count;
    }

    @Override
    public void merge(CrossEntropyEvaluation other) {
        sum = sum.add(other.sum);
        count += other.count;
    }

    @Override
    public void reset() {
        sum = BigDecimal.ZERO;
        count = 0;
    }

    @Override
    public String stats() {
        return String.format("cross-entropy %.4f over %d images", meanLoss(), count);
    }

    @Override
    public double getValue(IMetric metric) {
        throw new UnsupportedOperationException("no metric other than meanLoss()");
    }

    @Override
    public CrossEntropyEvaluation newInstance() {
        return new CrossEntropyEvaluation();
    }
}
