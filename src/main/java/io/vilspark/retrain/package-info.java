/**
 * {@code vil retrain}: scheduled fine-tuning of the registry's champion on data partitions that arrived
 * since it was trained, a comparison on a fixed holdout, and a promotion only when the challenger is better
 * by the margin ({@link io.vilspark.retrain.RetrainJob}); one run at a time per registry
 * ({@link io.vilspark.retrain.RetrainLock}); named steps where tests inject crashes
 * ({@link io.vilspark.retrain.RetrainSteps}). The registry itself is {@link io.vilspark.registry.ModelRegistry}.
 */
package io.vilspark.retrain;
