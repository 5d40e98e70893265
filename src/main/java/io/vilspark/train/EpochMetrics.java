package io.vilspark.train;

/**
 * One line of {@code metrics.jsonl}: the state after an epoch.
 *
 * @param epoch        1-based epoch just finished
 * @param step         optimizer steps so far (DL4J's iteration counter)
 * @param trainLoss    training loss of the last averaging round
 * @param valLoss      mean validation loss
 * @param valTop1      validation top-1 accuracy
 * @param valTop5      validation top-5 accuracy
 * @param lr           learning rate at the end of the epoch
 * @param seconds      wall time of the epoch's training (without validation)
 * @param imagesPerSecond training images per second of the epoch
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double valLoss, double valTop1, double valTop5,
                           double lr, double seconds, double imagesPerSecond) {
}
