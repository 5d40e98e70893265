package io.vilspark.cli;

import io.vilspark.model.ViLModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What {@code vil predict} writes for each image. */
enum PredictOutput {
    /** Class scores before softmax, {@code [B, classes]}. */
    LOGITS("logits") {
        @Override
        INDArray compute(ViLModel model, INDArray images) {
            return model.logits(images);
        }
    },
    /** The vector that feeds the head, {@code [B, F]}. */
    FEATURES("features") {
        @Override
        INDArray compute(ViLModel model, INDArray images) {
            return model.features(images);
        }
    },
    /** Per-patch tokens after the final norm, {@code [B, S, dim]}. */
    TOKENS("token features") {
        @Override
        INDArray compute(ViLModel model, INDArray images) {
            return model.tokenFeatures(images);
        }
    };

    final String label;

    PredictOutput(String label) {
        this.label = label;
    }

    abstract INDArray compute(ViLModel model, INDArray images);
}
