package io.vilspark.registry;

import java.util.List;
import java.util.Map;

/**
 * One version of the model registry, as {@code versions/<id>/version.json} records it. The record is
 * written last (temporary name, then rename), so a version folder without it is unfinished and ignored.
 *
 * @param id           {@code v0001}, {@code v0002}, ... in creation order
 * @param createdAt    ISO-8601 instant
 * @param parent       the version it was fine-tuned from (the champion at the time), null for a first version
 * @param runId        the retrain run that made it
 * @param model        the model file, {@code versions/<id>/model.zip}
 * @param recipe       recipe name or file, and its {@code overrides}
 * @param overrides    recipe overrides as given
 * @param trainedOn    the partitions it was trained on in this run
 * @param seen         every partition its lineage has seen (its parent's plus {@code trainedOn}): what "new data" is measured against
 * @param newPartitions the partitions that were new when it was made
 * @param trainMetrics the last epoch of its training (metrics.jsonl line)
 * @param evaluation   the holdout comparison: data, split, challenger and champion numbers, margin, verdict
 */
public record ModelVersion(String id, String createdAt, String parent, String runId, String model, String recipe,
                           List<String> overrides, List<Partition> trainedOn, List<String> seen,
                           List<String> newPartitions, Map<String, Object> trainMetrics,
                           Map<String, Object> evaluation) {

    /** A partition of the data root: a prepared dataset folder, by name, with its row counts when used. */
    public record Partition(String name, String path, long trainRows, long valRows) {
    }
}
