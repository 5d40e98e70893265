package io.vilspark.data.read;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import io.vilspark.data.PatchLayout;
import io.vilspark.data.PatchShardSchema;

/**
 * A row's geometry and label against the manifest: the reader trusts the manifest for the image
 * size, so a row that disagrees is an error that names the row, never a silently wrong image.
 */
final class RecordCheck implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int channels;
    private final int gridH;
    private final int gridW;
    private final int patch;
    private final int classes;
    private final boolean labelsRequired;

    /**
     * @param classes        number of classes, 0 when the dataset has none (labels are then not checked against it)
     * @param labelsRequired training: an unlabelled row (label -1) is an error
     */
    RecordCheck(PatchLayout layout, int classes, boolean labelsRequired) {
        this.channels = layout.channels();
        this.gridH = layout.gridH();
        this.gridW = layout.gridW();
        this.patch = layout.patch();
        this.classes = classes;
        this.labelsRequired = labelsRequired;
    }

    PatchLayout layout() {
        return new PatchLayout(channels, gridH, gridW, patch);
    }

    void check(ShardRecord r) {
        List<String> problems = new ArrayList<>();
        differs(problems, PatchShardSchema.GRID_H, r.gridH(), gridH);
        differs(problems, PatchShardSchema.GRID_W, r.gridW(), gridW);
        differs(problems, PatchShardSchema.PATCH, r.patch(), patch);
        differs(problems, PatchShardSchema.CHANNELS, r.channels(), channels);
        long expectedBytes = (long) gridH * gridW * channels * patch * patch;
        if (r.pixels().length != expectedBytes) {
            problems.add(PatchShardSchema.PIXELS + " has " + r.pixels().length + " bytes, expected " + expectedBytes
                    + " (" + gridH + "x" + gridW + " patches of " + channels + "x" + patch + "x" + patch + ")");
        }
        if (!problems.isEmpty()) {
            throw new ShardDataException(r.describe() + " disagrees with the dataset manifest: " + String.join("; ", problems));
        }
        int label = r.label();
        if (label == PatchShardSchema.UNLABELLED) {
            if (labelsRequired) {
                throw new ShardDataException(r.describe() + ": unlabelled (label -1), but training needs a label per image");
            }
        } else if (label < 0 || (classes > 0 && label >= classes)) {
            throw new ShardDataException(r.describe() + ": label " + label + " out of range (the manifest lists "
                    + classes + " classes, indices 0-" + (classes - 1) + ", or -1 for unlabelled)");
        } else if (classes == 0) {
            throw new ShardDataException(r.describe() + ": label " + label + ", but the manifest lists no classes");
        }
    }

    private static void differs(List<String> problems, String column, int got, int expected) {
        if (got != expected) {
            problems.add(column + " " + got + " (manifest: " + expected + ")");
        }
    }
}
