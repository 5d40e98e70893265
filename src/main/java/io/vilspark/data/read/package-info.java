/**
 * The shard reader: prepared Parquet patch shards (the shard schema) to DL4J minibatches, for training,
 * evaluation and feature extraction.
 *
 * <p>One image's way: a Parquet row ({@link io.vilspark.data.read.ShardRecord}) is checked against
 * the manifest ({@code RecordCheck}), its patches are put back together into the CHW image
 * ({@link io.vilspark.data.PatchLayout#toImage}), the image is transformed to the model's size
 * ({@code EvalTransform}: resize and centre crop, or nothing; {@code TrainTransform}: random resized
 * crop, flip, 3-augment, colour jitter), normalised ({@link io.vilspark.data.read.PixelNormalisation})
 * into an NCHW float32 batch, the batch is mixed ({@code BatchMixer}: Mixup/CutMix, label
 * smoothing) and handed over as a {@link org.nd4j.linalg.dataset.DataSet} whose example metadata
 * are the row keys ({@link io.vilspark.data.read.MinibatchIterator}).
 *
 * <p>Entry points: {@link io.vilspark.data.read.ShardDatasets#read} (Spark: an RDD of minibatches
 * built on the executors), {@link io.vilspark.data.read.ShardDataSetIterator} (one JVM, no Spark),
 * {@link io.vilspark.data.read.ReaderPlan#batchesOfRows} (any partition of shard rows). Settings:
 * {@link io.vilspark.data.read.ReaderConfig} and {@link io.vilspark.data.read.AugmentationConfig},
 * from the HOCON defaults in {@code conf/jobs/reader.conf}.
 */
package io.vilspark.data.read;
