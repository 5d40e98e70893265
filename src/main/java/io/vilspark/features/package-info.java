/**
 * {@code vil extract}: batch feature extraction. A model runs over Parquet patch shards or an image
 * collection (decoded on the executors with {@code prepare}'s code) and writes, per input partition,
 * a Parquet file of {@code key}, {@code label}, {@code features} (the head's input) and optionally
 * {@code logits} and the top-k classes. Each output file is written under a temporary name and
 * renamed when complete, so a rerun after a crash skips what is done and redoes the rest.
 */
package io.vilspark.features;
