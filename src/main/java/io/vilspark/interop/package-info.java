/**
 * Reading and writing model weights without Python: NumPy {@code .npy} arrays ({@link io.vilspark.interop.NpyFile}),
 * {@code .safetensors} files ({@link io.vilspark.interop.SafetensorsFile}) and PyTorch zip checkpoints
 * ({@link io.vilspark.interop.TorchCheckpointReader}, through an allow-list unpickler that never runs code).
 * {@link io.vilspark.interop.StateDictFiles} picks the format by content and renames official Vision-LSTM
 * keys to the {@code VisionLSTM2} names ({@link io.vilspark.interop.OfficialKeyNames}).
 *
 * <p>Every reader treats its input as untrusted: sizes are checked before anything is allocated, and
 * any malformed or hostile input ends in a {@link io.vilspark.interop.CheckpointFormatException}
 * that names the file and the problem. Tensors are plain Java arrays ({@link io.vilspark.interop.Tensor});
 * {@link io.vilspark.interop.NpyArrays} reads and writes {@code .npy} files on any Hadoop path.
 */
package io.vilspark.interop;
