package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import io.vilspark.interop.NpyFile;
import io.vilspark.interop.Tensor;
import io.vilspark.testing.CliRun;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code vil import} then {@code vil predict} reproduce the golden vectors: the whole path from a
 * PyTorch checkpoint file to logits, features and tokens on disk.
 */
class ImportPredictParityTest {
    /** Forward values: max|a - b| <= 1e-5 x max|ref| (reference README). */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            // case, weights file, --batch (1 exercises minibatching and the concatenation)
            "tiny_rgb32, checkpoint.th, 32",
            "mono28_avg, weights.safetensors, 1",
            "tiny_rgb32_official_layout, checkpoint.th, 1",
    })
    void importThenPredictMatchesReference(String caseName, String weights, int batch) throws IOException {
        Path dir = CliRun.reference(caseName);
        Path model = tmp.resolve("model.zip");
        CliRun imported = CliRun.of("import", "--checkpoint", dir.resolve(weights).toString(),
                "--config", dir.resolve("config.json").toString(), "--out", model.toString(),
                "--mean", String.join(",", repeat("0.5", channels(dir))),
                "--std", String.join(",", repeat("0.25", channels(dir))));
        assertEquals(0, imported.exitCode(), imported::toString);
        assertTrue(imported.out().contains("wrote       " + model), imported::toString);

        assertPrediction(dir, model, batch, "logits.npy");
        if (dir.resolve("activations").toFile().isDirectory()) {
            assertPrediction(dir, model, batch, "activations/head_input.npy", "--features");
            assertPrediction(dir, model, batch, "activations/norm.npy", "--tokens");
        }
    }

    private void assertPrediction(Path dir, Path model, int batch, String expectedFile, String... mode)
            throws IOException {
        Path out = tmp.resolve("out.npy");
        String[] args = concat(new String[] {"predict", "--model", model.toString(), "--images",
                dir.resolve("input.npy").toString(), "--out", out.toString(), "--batch", Integer.toString(batch)}, mode);
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run::toString);
        Tensor expected = NpyFile.read(dir.resolve(expectedFile));
        Tensor actual = NpyFile.read(out);
        assertTrue(actual.isFloat32(), "output dtype " + actual.dtype());
        assertEquals(expected.shapeString(), actual.shapeString(), expectedFile + " shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < e.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(e[i]));
            maxDiff = Math.max(maxDiff, Math.abs(e[i] - a[i]));
        }
        double worst = maxDiff;
        double limit = TOLERANCE * maxRef;
        assertTrue(worst <= limit, () -> String.format("%s: max abs diff %.3e > %.1e x max|ref| = %.3e",
                expectedFile, worst, TOLERANCE, limit));
    }

    private static int channels(Path dir) throws IOException {
        return (int) NpyFile.read(dir.resolve("input.npy")).dim(1);
    }

    private static String[] repeat(String value, int n) {
        String[] out = new String[n];
        java.util.Arrays.fill(out, value);
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
