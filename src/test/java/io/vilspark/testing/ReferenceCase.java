package io.vilspark.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.vilspark.interop.NpyFile;
import io.vilspark.interop.TensorArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Access to one golden case (located by {@link ReferenceFiles}) and the reference README's comparison rule. */
public final class ReferenceCase {
    public final Path dir;

    public ReferenceCase(String name) {
        this.dir = ReferenceFiles.file(name);
    }

    public Path file(String relative) {
        return dir.resolve(relative);
    }

    public boolean has(String relative) {
        return Files.exists(file(relative));
    }

    public INDArray npy(String relative) throws IOException {
        return TensorArrays.toArray(NpyFile.read(file(relative)));
    }

    /** max|actual - expected| <= relTol * max|expected|: float32 rounding, not element-wise (README). */
    public static void assertClose(String what, INDArray expected, INDArray actual, double relTol) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(e.shape());
        double maxRef = e.amaxNumber().doubleValue();
        double maxDiff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(maxDiff <= relTol * maxRef,
                String.format("%s: max abs diff %.3e > %.1e x max|ref| %.4e (rel %.2e)", what, maxDiff, relTol, maxRef,
                        maxDiff / maxRef));
    }
}
