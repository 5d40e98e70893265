/**
 * Images as every stage handles them: 8-bit channel-major pixels ({@link io.vilspark.image.ChwImage}) from a
 * decoded file ({@link io.vilspark.image.ImagePixels}, with the container format told by its first bytes,
 * {@link io.vilspark.image.ImageFormat}), and the one separable resampler shared by prepare, the reader,
 * extract and the Spark ML stage ({@link io.vilspark.image.Resampler}, with Pillow's kernels
 * {@link io.vilspark.image.ResampleFilter} and their weights along one axis {@link io.vilspark.image.AxisWeights}).
 */
package io.vilspark.image;
