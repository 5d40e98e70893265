package io.vilspark.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonIgnoreProperties;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * AdamW's decoupled weight decay, as PyTorch's {@code AdamW} applies it: each step also moves a
 * parameter by {@code -lr * coefficient * w}, with {@code lr} the scheduled learning rate of that step.
 *
 * <p>This is DL4J's {@link WeightDecay} with {@code applyLR = true}, which already works that way: it
 * runs after the updater ({@code POST_UPDATER}) and adds {@code lr * coefficient * w} to Adam's
 * update, so it never enters Adam's moment estimates. The one change: it adds nothing to the score.
 * DL4J's version adds {@code 0.5 * coefficient * |w|^2} to {@code model.score()} for the layers that
 * report regularisation scores (here only the dense head: SameDiff layers report none), so the logged
 * loss would drift away from the cross-entropy the reference logs as the head's weights grow.
 *
 * <p>Serialised by Jackson in model files and configurations: do not rename or move.
 */
@JsonIgnoreProperties({"applyLR"})
public final class DecoupledWeightDecay extends WeightDecay {
    private static final long serialVersionUID = 1L;

    public DecoupledWeightDecay(double coefficient) {
        this(new FixedSchedule(coefficient));
    }

    public DecoupledWeightDecay(@JsonProperty("coeff") ISchedule coeff) {
        super(coeff, true);
    }

    /** The decay is no part of the loss. */
    @Override
    public double score(INDArray param, int iteration, int epoch) {
        return 0.0;
    }

    @Override
    public Regularization clone() {
        return new DecoupledWeightDecay(coeff.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecoupledWeightDecay d && coeff.equals(d.coeff);
    }

    @Override
    public int hashCode() {
        return coeff.hashCode();
    }

    @Override
    public String toString() {
        return "DecoupledWeightDecay(coeff=" + coeff + ")";
    }
}
