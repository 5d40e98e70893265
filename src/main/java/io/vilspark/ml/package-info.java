/**
 * ViL in Spark's DataFrame API: {@link io.vilspark.ml.ViLTransformer}, a Spark ML pipeline stage that
 * adds features (an MLlib {@code Vector}), logits, the predicted class and the top-k classes to a
 * DataFrame of images, and the SQL functions {@code vil_features} and {@code vil_predict}
 * ({@link io.vilspark.ml.VilFunctions}, {@link io.vilspark.ml.VilSparkExtensions}). Both run the
 * batched inference of {@code vil extract} ({@link io.vilspark.inference.BatchInference}) on a model
 * read once per executor JVM ({@link io.vilspark.inference.ExecutorModels}).
 */
package io.vilspark.ml;
