package io.vilspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The native build this JVM runs on, and how reports name it. */
class NativeKernelsTest {

    /** The default build is ND4J's oneDNN one: the plain build's depthwise conv is 70-90x slower (pom.xml). */
    @Test
    void theCpuBackendIsTheOneDnnBuild() {
        NativeKernels kernels = NativeKernels.current();
        assertEquals("linux-x86_64-onednn", kernels.nd4jBuild());
        assertTrue(kernels.describe().startsWith("ND4J linux-x86_64-onednn, OpenBLAS "), kernels.describe());
        // the test JVM has the vector API (pom.xml: vil.jvm.modules), as the launchers give every JVM
        assertTrue(kernels.describe().endsWith(", element-wise ops in Java (jdk.incubator.vector)"), kernels.describe());
        String env = System.getenv("OPENBLAS_CORETYPE");
        assertEquals(env == null || env.isBlank() ? null : env.trim(), kernels.openblasCore());
    }

    @Test
    void theBuildIsTheFolderOfTheLoadedLibrary() {
        assertEquals("linux-x86_64-avx2", NativeKernels.nd4jBuild(Map.of(
                "jnind4jcpu", "/c/nd4j.jar/org/nd4j/bindings/linux-x86_64-avx2/libjnind4jcpu.so",
                "nd4jcpu", "/c/nd4j.jar/org/nd4j/bindings/linux-x86_64-avx2/libnd4jcpu.so")));
        assertEquals("linux-x86_64", NativeKernels.nd4jBuild(Map.of("nd4jcuda", "/c/cuda/linux-x86_64/libnd4jcuda.so")));
        assertEquals("unknown", NativeKernels.nd4jBuild(Map.of("openblas", "/c/libopenblas.so")));
    }

    @Test
    void reportsNameTheForcedOpenBlasKernels() {
        assertEquals("ND4J linux-x86_64-onednn, OpenBLAS SkylakeX kernels (OPENBLAS_CORETYPE), element-wise ops in ND4J",
                new NativeKernels("linux-x86_64-onednn", "SkylakeX", "element-wise ops in ND4J").describe());
        assertEquals("ND4J linux-x86_64, OpenBLAS kernels of its own choice (OPENBLAS_CORETYPE unset), element-wise ops in ND4J",
                new NativeKernels("linux-x86_64", null, "element-wise ops in ND4J").describe());
    }
}
