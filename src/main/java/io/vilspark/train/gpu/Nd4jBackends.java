package io.vilspark.train.gpu;

/**
 * Which ND4J backends this JVM could load, found by class name without initialising ND4J (which would
 * already pick one). The CPU job jar has only {@code nd4j-native}; {@code -Pcuda} swaps in the CUDA
 * backend; {@code -Pcuda,cpu-fallback} carries both.
 *
 * @param cuda the CUDA backend ({@code nd4j-cuda-11.6}) is on the classpath
 * @param cpu  the CPU backend ({@code nd4j-native}) is on the classpath
 */
public record Nd4jBackends(boolean cuda, boolean cpu) {
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    public static Nd4jBackends onClasspath() {
        return new Nd4jBackends(present(CUDA_BACKEND), present(CPU_BACKEND));
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Nd4jBackends.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
