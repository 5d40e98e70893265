package io.vilspark.inference;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The class indices of an evaluation minibatch: the reader writes one-hot rows in evaluation mode
 * (no smoothing, no mixing) and an all-zero row for an unlabelled image (label -1).
 */
public final class BatchLabels {
    private BatchLabels() {
    }

    public static int[] of(INDArray oneHot) {
        int rows = (int) oneHot.size(0);
        int width = (int) oneHot.size(1);
        float[] v = oneHot.dup('c').data().asFloat();
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = -1;
            for (int c = 0; c < width; c++) {
                if (v[r * width + c] == 1f) {
                    out[r] = c;
                    break;
                }
            }
        }
        return out;
    }
}
