package io.vilspark.inference;

import io.vilspark.model.ViLModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What {@code vil predict} writes for each image. */
public enum PredictOutput {
    /** Class scores before softmax, {@code [B, classes]}. */
    LOGITS("logits") {
        @Override
        public INDArray compute(ViLModel model, INDArray images) {
            return model.logits(images);
        }
    },
    /** The vector that feeds the head, {@code [B, F]}. */
    FEATURES("features") {
        @Override
        public INDArray compute(ViLModel model, INDArray images) {
            return model.features(images);
        }
    },
    /** Per-patch tokens after the final norm, {@code [B, S, dim]}. */
    TOKENS("token features") {
        @Override
        public INDArray compute(ViLModel model, INDArray images) {
            return model.tokenFeatures(images);
        }
    };

    public final String label;

    PredictOutput(String label) {
        this.label = label;
    }

    /** This output of {@code model} for a batch of normalised NCHW images. */
    public abstract INDArray compute(ViLModel model, INDArray images);
}
