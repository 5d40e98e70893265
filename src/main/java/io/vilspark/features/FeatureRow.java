package io.vilspark.features;

/**
 * One output row: an image's key, its label (null when unknown), the features that feed the head
 * and, when asked for, the logits and the top-k classes with their softmax probabilities.
 */
record FeatureRow(String key, Integer label, float[] features, float[] logits, int[] topClasses, float[] topProbs,
                  String[] topNames) {
}
