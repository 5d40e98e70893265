/**
 * Benchmark workloads behind the {@code vil bench*} commands: timed model iterations
 * ({@link io.vilspark.bench.BenchWorkload}), training speed under parameter averaging
 * ({@link io.vilspark.bench.AveragingBenchmark}), drawn datasets in the shard format
 * ({@link io.vilspark.bench.SyntheticShards}) and the process's memory ({@link io.vilspark.bench.ProcessMemory}).
 */
package io.vilspark.bench;
