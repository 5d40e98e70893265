package io.vilspark.interop;

/** A storage named by a pickle persistent id: its type, zip entry key and element count (all validated). */
record StorageRef(TorchStorageType type, String key, long numel) {
}
