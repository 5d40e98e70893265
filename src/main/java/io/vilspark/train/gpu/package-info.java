/**
 * GPU executors. Whether a GPU can run the ND4J CUDA 11.6 backend (compute capability 3.7-8.6), decided from
 * nvidia-smi before ND4J loads ({@link io.vilspark.train.gpu.CudaCapabilityCheck}); what an executor then does
 * with the GPUs Spark assigned it: bind ND4J to them, fall back to the CPU, or refuse
 * ({@link io.vilspark.train.gpu.ExecutorSetup}), run at executor start by
 * {@link io.vilspark.train.gpu.GpuExecutorPlugin} ({@code spark.plugins}).
 */
package io.vilspark.train.gpu;
