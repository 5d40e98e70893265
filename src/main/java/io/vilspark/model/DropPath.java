package io.vilspark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic depth as the reference's {@code DropPath}: in training, a block's residual branch is
 * kept for exactly {@code max(floor(B * (1 - rate)), 1)} randomly chosen samples of the batch and
 * scaled by {@code B / kept}; the others pass through the residual only.
 */
public final class DropPath {
    private DropPath() {
    }

    /** Per-sample branch multipliers {@code [B, 1]}: {@code B / kept} for kept samples, 0 for dropped. */
    public static INDArray keepMask(int batch, double rate, Random rng, DataType dataType) {
        int kept = Math.max((int) Math.floor(batch * (1.0 - rate)), 1);
        int[] order = new int[batch];
        for (int i = 0; i < batch; i++) {
            order[i] = i;
        }
        for (int i = batch - 1; i > 0; i--) {       // Fisher-Yates: a uniform random subset of size kept
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        INDArray mask = Nd4j.zeros(dataType, batch, 1);
        double scale = (double) batch / kept;
        for (int i = 0; i < kept; i++) {
            mask.putScalar(order[i], 0, scale);
        }
        return mask;
    }

    /** A layer whose residual branch takes a drop-path mask. */
    public interface Droppable {
        /** Drop probability of the residual branch in training; 0 disables drop path. */
        double getDropPath();
    }
}
