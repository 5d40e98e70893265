package io.vilspark.train.gpu;

/** Points ND4J at one CUDA device. Replaced in tests, which have no GPU. */
interface DeviceBinding {
    /** Once per JVM, before the first {@link #bindCurrentThread}: ND4J uses one device per thread, no round robin. */
    void configureSingleDevice(int ordinal);

    /** The calling thread's ND4J work goes to this device (CUDA's current device is per thread). */
    void bindCurrentThread(int ordinal);
}
