package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import io.vilspark.interop.NpyFile;
import io.vilspark.interop.Tensor;
import io.vilspark.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code predict --compare}: the check a user runs after importing a PyTorch model (and jobs/import-example runs). */
class PredictCompareTest {
    @TempDir
    Path dir;

    @Test
    void bundledExampleMatchesPyTorchAndAPerturbedReferenceDoesNot() throws Exception {
        Path example = Path.of("data-prep/example");
        Path model = dir.resolve("model.zip");
        CliRun imported = CliRun.of("import", "--checkpoint", example.resolve("checkpoint.th").toString(),
                "--config", example.resolve("config.json").toString(), "--out", model.toString());
        assertEquals(0, imported.exitCode(), imported.toString());

        CliRun match = CliRun.of("predict", "--model", model.toString(), "--images", example.resolve("input.npy").toString(),
                "--out", dir.resolve("logits.npy").toString(), "--compare", example.resolve("logits.npy").toString());
        assertEquals(0, match.exitCode(), match.toString());
        assertTrue(match.out().contains(": match"), match.toString());

        // the same reference with one logit moved by 1% of the largest: must be reported and fail
        Tensor reference = NpyFile.read(example.resolve("logits.npy"));
        float[] values = reference.toFloatArray();
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        values[3] += 0.01f * max;
        Path perturbed = dir.resolve("perturbed.npy");
        NpyFile.write(perturbed, Tensor.ofFloat32(reference.shape(), values));
        CliRun mismatch = CliRun.of("predict", "--model", model.toString(), "--images", example.resolve("input.npy").toString(),
                "--out", dir.resolve("logits2.npy").toString(), "--compare", perturbed.toString());
        assertEquals(ExitCodes.DATA, mismatch.exitCode(), mismatch.toString());
        assertTrue(mismatch.out().contains("MISMATCH"), mismatch.toString());
        assertTrue(mismatch.err().contains("perturbed.npy"), mismatch.toString());
    }
}
