/**
 * Whether a GPU executor can run the ND4J CUDA 11.6 backend (compute capability 3.7-8.6), decided from
 * nvidia-smi before ND4J loads: {@link io.vilspark.train.gpu.CudaCapabilityCheck}.
 */
package io.vilspark.train.gpu;
