package io.vilspark.train.gpu;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link DeviceBinding} on ND4J's CUDA backend. {@code CudaEnvironment} lives in {@code nd4j-cuda} only,
 * so it is reached by reflection: the CPU build compiles and runs without CUDA classes. In ND4J 1.0.0-M2.1
 * a thread's device is CUDA's current device for that thread ({@code AffinityManager.getDeviceForCurrentThread}
 * asks the native side), so every task thread is bound on its own; DL4J's prefetch threads copy the
 * device of the thread that starts them.
 */
final class Nd4jCudaBinding implements DeviceBinding {
    private static final String CUDA_ENVIRONMENT = "org.nd4j.jita.conf.CudaEnvironment";

    @Override
    public void configureSingleDevice(int ordinal) {
        Object configuration = cudaConfiguration();
        // before the backend starts: no round robin of threads over devices
        invoke(configuration, "allowMultiGPU", new Class<?>[] {boolean.class}, false);
        Nd4j.getAffinityManager();
        String loaded = Nd4j.getBackend().getClass().getName();
        if (!loaded.equals(Nd4jBackends.CUDA_BACKEND)) {
            // with both backends in the jar ND4J quietly takes the CPU one when CUDA does not start
            throw new IllegalStateException("ND4J's CUDA backend did not start (no CUDA driver or runtime libraries? "
                    + "see 'Skipped [JCublasBackend]' in this executor's log); ND4J loaded " + loaded);
        }
        // after: the backend has listed the devices, and useDevice only keeps a device it listed
        invoke(configuration, "useDevice", new Class<?>[] {Integer.class}, ordinal);
    }

    @Override
    public void bindCurrentThread(int ordinal) {
        AffinityManager affinity = Nd4j.getAffinityManager();
        if (affinity.getDeviceForCurrentThread() != ordinal) {
            affinity.unsafeSetDevice(ordinal);
        }
        int now = affinity.getDeviceForCurrentThread();
        if (now != ordinal) {
            throw new IllegalStateException("ND4J kept this thread on CUDA device " + now + " instead of " + ordinal);
        }
    }

    private static Object cudaConfiguration() {
        try {
            Class<?> environment = Class.forName(CUDA_ENVIRONMENT);
            Object instance = environment.getMethod("getInstance").invoke(null);
            return environment.getMethod("getConfiguration").invoke(instance);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the ND4J CUDA backend is not on the classpath (" + CUDA_ENVIRONMENT + ")", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot configure the ND4J CUDA backend: " + e, e);
        }
    }

    private static void invoke(Object target, String name, Class<?>[] types, Object... args) {
        try {
            Method m = target.getClass().getMethod(name, types);
            m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("ND4J CUDA configuration " + name + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ND4J CUDA configuration has no " + name + ": " + e, e);
        }
    }
}
