/**
 * Image resampling shared by prepare, the reader, extract and the Spark ML stage: the kernels as Pillow defines
 * them ({@link io.vilspark.image.ResampleFilter}), their weights along one axis
 * ({@link io.vilspark.image.AxisWeights}) and the one separable resampler ({@link io.vilspark.image.Resampler}).
 */
package io.vilspark.image;
