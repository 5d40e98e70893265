/**
 * The training recipe's building blocks: the recipe itself ({@link io.vilspark.train.TrainingRecipe},
 * read from {@code conf/recipes/*.conf} by {@link io.vilspark.train.RecipeFile}), the ViL graph set up
 * for it ({@link io.vilspark.train.TrainingGraph}: Adam, the {@link io.vilspark.train.WarmupCosineSchedule}
 * and {@link io.vilspark.train.DecoupledWeightDecay} on weights only), and global gradient-norm clipping
 * ({@link io.vilspark.train.GlobalGradientNormClipping}). Sub-package {@code gpu}: the compute-capability
 * check a GPU executor runs before ND4J starts.
 */
package io.vilspark.train;
