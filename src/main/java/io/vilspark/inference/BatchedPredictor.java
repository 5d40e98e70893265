package io.vilspark.inference;

import java.util.ArrayList;
import java.util.List;

import io.vilspark.model.ViLModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Runs a model over many images a minibatch at a time, so memory stays bounded by the batch size. */
public final class BatchedPredictor {
    private BatchedPredictor() {
    }

    /** @param images {@code [N, C, H, W]}, N > 0 */
    public static INDArray run(ViLModel model, PredictOutput output, INDArray images, int batchSize) {
        long n = images.size(0);
        List<INDArray> parts = new ArrayList<>();
        for (long start = 0; start < n; start += batchSize) {
            long end = Math.min(n, start + batchSize);
            INDArray batch = images.get(NDArrayIndex.interval(start, end), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup('c');
            parts.add(output.compute(model, batch).dup('c'));
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }
}
