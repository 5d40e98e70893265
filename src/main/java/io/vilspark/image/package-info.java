/**
 * Images as every stage handles them: one channel-major image type on the 0..255 scale of 8-bit pixels
 * ({@link io.vilspark.image.ChwImage}; prepare and extract round it to bytes where they store pixels) from a
 * decoded file ({@link io.vilspark.image.ImagePixels}, with the container format told by its first bytes,
 * {@link io.vilspark.image.ImageFormat}), prepare's and extract's resize and centre crop
 * ({@link io.vilspark.image.ResizeCrop}), and the one separable resampler shared by prepare, the reader,
 * extract and the Spark ML stage ({@link io.vilspark.image.Resampler}, with Pillow's kernels
 * {@link io.vilspark.image.ResampleFilter} and their weights along one axis {@link io.vilspark.image.AxisWeights}).
 */
package io.vilspark.image;
