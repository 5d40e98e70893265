/**
 * Reading and writing model weights without Python: NumPy {@code .npy} arrays ({@link io.vilspark.checkpoint.NpyFile}),
 * {@code .safetensors} files ({@link io.vilspark.checkpoint.SafetensorsFile}) and PyTorch zip checkpoints
 * ({@link io.vilspark.checkpoint.TorchCheckpointReader}, through an allow-list unpickler that never runs code).
 * {@link io.vilspark.checkpoint.StateDictFiles} picks the format by content and renames official Vision-LSTM
 * keys to the {@code VisionLSTM2} names ({@link io.vilspark.checkpoint.OfficialKeyNames}).
 *
 * <p>Every reader treats its input as untrusted: sizes are checked before anything is allocated, and
 * any malformed or hostile input ends in a {@link io.vilspark.checkpoint.CheckpointFormatException}
 * that names the file and the problem. Tensors are plain Java arrays ({@link io.vilspark.checkpoint.Tensor}).
 */
package io.vilspark.checkpoint;
