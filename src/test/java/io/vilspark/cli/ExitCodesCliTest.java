package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.vilspark.interop.NpyFile;
import io.vilspark.interop.Tensor;
import io.vilspark.testing.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit codes through the real command line: a scheduler tells "fix the command" (64) from "fix the data" (65),
 * "fix the storage" (74) and "retry later" (75, in {@link RegistryRetrainCliTest}); bugs exit 70
 * ({@link CliExceptionHandlerTest}). Also the float64 images vil predict takes, and a parent that is a file.
 */
class ExitCodesCliTest {
    private static final Path TINY = CliRun.reference("tiny_rgb32");

    @TempDir
    static Path dir;

    private static String model;

    @BeforeAll
    static void importTinyModel() {
        model = dir.resolve("tiny.zip").toString();
        CliRun run = CliRun.of("import", "--checkpoint", TINY.resolve("checkpoint.th").toString(), "--config",
                TINY.resolve("config.json").toString(), "--out", model);
        assertEquals(0, run.exitCode(), run::toString);
    }

    private static CliRun predict(String images, String out) {
        return CliRun.of("predict", "--model", model, "--images", images, "--out", out);
    }

    @Test
    void usageErrorsExit64() {
        CliRun missingOption = CliRun.of("predict", "--model", model);
        assertEquals(64, missingOption.exitCode(), missingOption::toString);
        CliRun unknownOption = CliRun.of("evaluate", "--modle", model);
        assertEquals(64, unknownOption.exitCode(), unknownOption::toString);
        CliRun badKey = CliRun.of("import", "--checkpoint", TINY.resolve("checkpoint.th").toString(), "--config",
                TINY.resolve("config.json").toString(), "--out", dir.resolve("m.zip").toString(), "--set", "dimm=3");
        assertEquals(64, badKey.exitCode(), badKey::toString);
        assertEquals(64, CliRun.of().exitCode());
    }

    @Test
    void badInputDataExits65() throws Exception {
        CliRun missing = predict(dir.resolve("none.npy").toString(), dir.resolve("o1.npy").toString());
        assertEquals(65, missing.exitCode(), missing::toString);
        Path text = Files.writeString(dir.resolve("images.npy"), "not numpy");
        CliRun damaged = predict(text.toString(), dir.resolve("o2.npy").toString());
        assertEquals(65, damaged.exitCode(), damaged::toString);
    }

    @Test
    void storageFailuresExit74() {
        // a folder the kernel's /proc does not let anyone create, root included
        CliRun run = predict(TINY.resolve("input.npy").toString(), "/proc/vil-exit-codes-test/o.npy");
        assertEquals(74, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("vil predict: error: "), run::toString);
    }

    @Test
    void anOutputBelowAFileIsNamedInWordsWithoutJavaNames() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "mine");
        String out = file.resolve("o.npy").toString();
        CliRun run = predict(TINY.resolve("input.npy").toString(), out);
        assertEquals(64, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("vil predict: error: cannot write "), run::toString);
        assertTrue(run.err().contains(": its parent is a file, not a folder"), run::toString);
        assertFalse(run.err().contains("Exception"), run::toString);
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void helpListsTheExitCodes() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode(), run::toString);
        for (String code : new String[] {"64", "65", "70", "74", "75"}) {
            assertTrue(run.out().lines().anyMatch(l -> l.strip().startsWith(code + " ")), () -> code + "\n" + run);
        }
    }

    @Test
    void float64ImagesAreDocumentedAndGiveTheFloat32Result() throws Exception {
        CliRun help = CliRun.of("predict", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("float64 images are accepted and rounded to float32"),
                help::toString);

        Tensor images32 = NpyFile.read(TINY.resolve("input.npy"));
        float[] values = images32.toFloatArray();
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        Path images64 = dir.resolve("input64.npy");
        NpyFile.write(images64, Tensor.ofFloat64(images32.shape(), wide));
        CliRun narrow = predict(TINY.resolve("input.npy").toString(), dir.resolve("o32.npy").toString());
        CliRun widened = predict(images64.toString(), dir.resolve("o64.npy").toString());
        assertEquals(0, narrow.exitCode(), narrow::toString);
        assertEquals(0, widened.exitCode(), widened::toString);
        assertArrayEquals(NpyFile.read(dir.resolve("o32.npy")).toFloatArray(),
                NpyFile.read(dir.resolve("o64.npy")).toFloatArray(), "the same images give the same logits");
    }
}
