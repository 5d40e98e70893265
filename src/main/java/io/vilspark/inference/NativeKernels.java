package io.vilspark.inference;

import java.nio.file.Path;
import java.util.Map;

import io.vilspark.model.ElementwiseKernels;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which code computes, for benchmark and job reports: the build of ND4J's native library (its
 * platform folder, e.g. {@code linux-x86_64-onednn}), the OpenBLAS kernel set forced by {@code
 * OPENBLAS_CORETYPE} (see jobs/openblas-coretype), which can change speed several times over, and
 * who runs the graphs' element-wise hot spots ({@link ElementwiseKernels}).
 */
public record NativeKernels(String nd4jBuild, String openblasCore, String elementwise) {

    /** What this JVM loaded; the OpenBLAS core is null when OpenBLAS chose by itself. */
    public static NativeKernels current() {
        Nd4j.getBackend();  // loads the backend's native libraries
        return new NativeKernels(nd4jBuild(Loader.getLoadedLibraries()), blankToNull(System.getenv("OPENBLAS_CORETYPE")),
                ElementwiseKernels.describe());
    }

    /** The folder of the loaded libnd4j (CPU or CUDA), or "unknown". */
    static String nd4jBuild(Map<String, String> loaded) {
        for (String name : new String[] {"nd4jcpu", "nd4jcuda"}) {
            String path = loaded.get(name);
            if (path != null && Path.of(path).getParent() != null) {
                return Path.of(path).getParent().getFileName().toString();
            }
        }
        return "unknown";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** "ND4J linux-x86_64-onednn, OpenBLAS SkylakeX kernels (OPENBLAS_CORETYPE), element-wise ops in Java (...)". */
    public String describe() {
        return "ND4J " + nd4jBuild + ", OpenBLAS " + (openblasCore == null
                ? "kernels of its own choice (OPENBLAS_CORETYPE unset)" : openblasCore + " kernels (OPENBLAS_CORETYPE)")
                + ", " + elementwise;
    }
}
