package io.vilspark.interop;

import java.util.Arrays;

/**
 * Stands for a tensor of a storage type we do not load (half, bfloat16, integers, ...). It is only
 * an error if the caller actually needs it, e.g. as a state_dict entry; then the message can name
 * the key and the type.
 */
record UnloadedTensor(TorchStorageType type, long[] shape) {

    @Override
    public String toString() {
        return "UnloadedTensor[" + type.torchDtype + " " + Arrays.toString(shape) + "]";
    }
}
