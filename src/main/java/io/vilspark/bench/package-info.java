/**
 * Benchmark workloads behind the {@code vil bench*} commands: timed model iterations
 * ({@link io.vilspark.bench.BenchWorkload}), training speed under parameter averaging
 * ({@link io.vilspark.bench.AveragingBenchmark}) with its rounds split by Spark's task metrics
 * ({@link io.vilspark.bench.RoundTimeline}), and drawn datasets in the shard format
 * ({@link io.vilspark.bench.SyntheticShards}).
 */
package io.vilspark.bench;
