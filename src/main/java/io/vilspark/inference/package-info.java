/**
 * Running a model on Spark executors, shared by {@code vil evaluate} and {@code vil extract}: the
 * per-JVM model cache ({@link io.vilspark.inference.ExecutorModels}), one forward pass that yields
 * both the head's input and the logits ({@link io.vilspark.inference.ModelOutputs}), the native
 * thread settings per task, the process's memory ({@link io.vilspark.inference.ProcessMemory}, which
 * {@code vil bench} and training's epoch lines report), and the inference settings (minibatch size, threads, normalisation). On the
 * driver, {@code vil predict} reads {@code .npy} images ({@link io.vilspark.inference.ImagesFile}) and runs
 * them a minibatch at a time ({@link io.vilspark.inference.BatchedPredictor}).
 */
package io.vilspark.inference;
