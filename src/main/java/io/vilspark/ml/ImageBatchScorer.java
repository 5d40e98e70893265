package io.vilspark.ml;

import java.util.ArrayList;
import java.util.List;

import io.vilspark.data.PatchLayout;
import io.vilspark.data.read.ShardRecord;
import io.vilspark.inference.BatchInference;
import io.vilspark.inference.ModelOutputs;
import io.vilspark.model.ViLModel;

/**
 * Runs a group of decoded inputs through a model (the executor side, one per task): the usable
 * ones go through the shared batched inference in minibatches of the plan's size, the others keep
 * their reason. Records of the group must share one stored geometry; one that differs from the
 * first usable record's is refused as {@link ImageInputs#BAD_PATCH_ROW}.
 */
final class ImageBatchScorer {
    /** Input {@code i}'s results: row {@code rowOf[i]} of {@code outputsOf[i]}, or {@code reasons[i]}. */
    record Scores(ModelOutputs[] outputsOf, int[] rowOf, String[] reasons) {
        boolean ok(int i) {
            return reasons[i] == null;
        }
    }

    private final ViLModel model;
    private final ScoringPlan plan;

    ImageBatchScorer(ViLModel model, ScoringPlan plan) {
        this.model = model;
        this.plan = plan;
    }

    /** The keys of {@code inputs}' records must be their indices in the list (as strings). */
    Scores score(List<ImageInputs.Decoded> inputs) {
        int n = inputs.size();
        ModelOutputs[] outputsOf = new ModelOutputs[n];
        int[] rowOf = new int[n];
        String[] reasons = new String[n];
        List<ShardRecord> usable = new ArrayList<>(n);
        PatchLayout layout = null;
        for (int i = 0; i < n; i++) {
            ImageInputs.Decoded d = inputs.get(i);
            reasons[i] = d.reason();
            if (d.record() == null) {
                continue;
            }
            ShardRecord r = d.record();
            if (layout == null) {
                layout = new PatchLayout(r.channels(), r.gridH(), r.gridW(), r.patch());
            } else if (r.gridH() != layout.gridH() || r.gridW() != layout.gridW() || r.patch() != layout.patch()) {
                reasons[i] = ImageInputs.BAD_PATCH_ROW;
                continue;
            }
            usable.add(r);
        }
        if (layout != null) {
            BatchInference batches = new BatchInference(model, plan.readerPlan(layout), usable.iterator(), 0);
            while (batches.hasNext()) {
                BatchInference.Scored scored = batches.next();
                for (int row = 0; row < scored.keys().size(); row++) {
                    int i = Integer.parseInt(scored.keys().get(row));
                    outputsOf[i] = scored.outputs();
                    rowOf[i] = row;
                }
            }
        }
        return new Scores(outputsOf, rowOf, reasons);
    }
}
