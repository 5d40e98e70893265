package io.vilspark.inference;

import io.vilspark.model.ViLModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A minibatch through the network once, keeping the two results jobs write: the vector that feeds
 * the head ({@code ViLModel.features}, what {@code vil predict --features} writes) and the logits.
 * One pass instead of calling {@code features} and {@code logits}, which would run the network twice.
 *
 * @param features {@code [B, F]}, row-major
 * @param logits   {@code [B, classes]}, row-major
 */
public record ModelOutputs(int rows, int featureSize, int classes, float[] features, float[] logits) {

    /** @param images normalised {@code [B, C, H, W]} of the model's input size */
    public static ModelOutputs compute(ViLModel model, INDArray images) {
        INDArray[] both = model.featuresAndLogits(images);
        INDArray pooled = both[0].castTo(DataType.FLOAT).dup('c');
        INDArray head = both[1].castTo(DataType.FLOAT).dup('c');
        return new ModelOutputs((int) pooled.size(0), (int) pooled.size(1), (int) head.size(1),
                pooled.data().asFloat(), head.data().asFloat());
    }

    public float[] featuresOf(int row) {
        float[] out = new float[featureSize];
        System.arraycopy(features, row * featureSize, out, 0, featureSize);
        return out;
    }

    public float[] logitsOf(int row) {
        float[] out = new float[classes];
        System.arraycopy(logits, row * classes, out, 0, classes);
        return out;
    }
}
