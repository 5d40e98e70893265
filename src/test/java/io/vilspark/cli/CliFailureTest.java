package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.vilspark.testing.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every expected failure is one line on stderr, {@code vil <cmd>: error: <message>} naming the
 * file, key or value at fault, the exit code of its kind ({@link ExitCodes}), and no stack trace.
 */
class CliFailureTest {
    private static final Path TINY = CliRun.reference("tiny_rgb32");
    private static final Path MONO = CliRun.reference("mono28_avg");

    @TempDir
    static Path shared;

    private static Path tinyModel;

    @TempDir
    Path tmp;

    @BeforeAll
    static void importTinyModel() {
        tinyModel = shared.resolve("tiny.zip");
        CliRun run = importTiny(TINY.resolve("checkpoint.th").toString(), tinyModel);
        assertEquals(0, run.exitCode(), run::toString);
    }

    private static CliRun importTiny(String checkpoint, Path out, String... extra) {
        String[] base = {"import", "--checkpoint", checkpoint, "--config", TINY.resolve("config.json").toString(),
                "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    /** The exit code, exactly one stderr line with the command's prefix and every fragment, no stack frames. */
    private static void assertOneLineError(int exitCode, CliRun run, String command, String... fragments) {
        assertEquals(exitCode, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), () -> "expected one stderr line\n" + run);
        String line = run.errLines().get(0);
        assertTrue(line.startsWith("vil " + command + ": error: "), line);
        for (String f : fragments) {
            assertTrue(line.contains(f), () -> "'" + f + "' not in: " + line);
        }
        assertFalse(run.err().contains("\tat "), run::toString);
    }

    @Test
    void checkpointOfAnotherArchitectureListsWhatDoesNotFit() {
        CliRun run = CliRun.of("import", "--checkpoint", TINY.resolve("checkpoint.th").toString(),
                "--config", MONO.resolve("config.json").toString(), "--set", "input_shape=[3,28,28]",
                "--out", tmp.resolve("m.zip").toString());
        assertOneLineError(ExitCodes.DATA, run, "import", "checkpoint.th", "does not fit", "missing key(s) [legacy_norm.bias",
                "shape mismatch", "patch_embed.proj.weight [32, 3, 8, 8] vs model [48, 3, 4, 4]",
                "the checkpoint looks like dim=32 depth=2 patch_size=8 input_shape=[3, 32, 32]");
        assertFalse(Files.exists(tmp.resolve("m.zip")), "no model file after a failed import");
    }

    @Test
    void missingCheckpoint() {
        String missing = tmp.resolve("nope.th").toString();
        assertOneLineError(ExitCodes.DATA, importTiny(missing, tmp.resolve("m.zip")), "import", missing, "no such file");
    }

    @Test
    void checkpointAsFileUri() {
        CliRun run = importTiny(TINY.resolve("checkpoint.th").toAbsolutePath().toUri().toString(), tmp.resolve("m.zip"));
        assertEquals(0, run.exitCode(), run::toString);
    }

    @Test
    void truncatedCheckpoint() throws IOException {
        byte[] whole = Files.readAllBytes(TINY.resolve("checkpoint.th"));
        Path cut = tmp.resolve("cut.th");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertOneLineError(ExitCodes.DATA, importTiny(cut.toString(), tmp.resolve("m.zip")), "import", cut.toString());
    }

    @Test
    void pickleNamingAForbiddenGlobalIsRefused() throws IOException {
        // protocol 2: GLOBAL 'os system', STOP
        byte[] pickle = "\u0080\u0002cos\nsystem\n.".getBytes(StandardCharsets.ISO_8859_1);
        Path hostile = tmp.resolve("hostile.th");
        try (OutputStream file = Files.newOutputStream(hostile); ZipOutputStream zip = new ZipOutputStream(file)) {
            stored(zip, "hostile/data.pkl", pickle);
            stored(zip, "hostile/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertOneLineError(ExitCodes.DATA, importTiny(hostile.toString(), tmp.resolve("m.zip")), "import", hostile.toString(),
                "os", "system");
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    @Test
    void unknownOverrideKeyIsNamed() {
        CliRun run = importTiny(TINY.resolve("checkpoint.th").toString(), tmp.resolve("m.zip"), "--set", "dimm=32");
        assertOneLineError(ExitCodes.USAGE, run, "import", "dimm");
    }

    @Test
    void unknownPreset() {
        CliRun run = CliRun.of("bench", "--config", "vil9-huge", "--batch", "1", "--mode", "infer");
        assertOneLineError(ExitCodes.USAGE, run, "bench", "vil9-huge");
    }

    @Test
    void meanOfTheWrongLength() {
        CliRun run = importTiny(TINY.resolve("checkpoint.th").toString(), tmp.resolve("m.zip"),
                "--mean", "0.5", "--std", "0.5");
        assertOneLineError(ExitCodes.USAGE, run, "import", "--mean", "3-channel");
    }

    @Test
    void greyModelNeedsExplicitNormalisation() {
        CliRun run = CliRun.of("import", "--checkpoint", MONO.resolve("weights.safetensors").toString(),
                "--config", MONO.resolve("config.json").toString(), "--out", tmp.resolve("m.zip").toString());
        assertOneLineError(ExitCodes.USAGE, run, "import", "--mean and --std are required", "1-channel");
    }

    @Test
    void imagesOfTheWrongShapeNameTheExpectedShape() {
        String images = MONO.resolve("input.npy").toString();
        CliRun run = CliRun.of("predict", "--model", tinyModel.toString(), "--images", images,
                "--out", tmp.resolve("o.npy").toString());
        assertOneLineError(ExitCodes.DATA, run, "predict", images, "[B, 3, 32, 32]");
        assertFalse(Files.exists(tmp.resolve("o.npy")));
    }

    @Test
    void integerArrayIsNotImages() {
        String images = TINY.resolve("labels.npy").toString();
        CliRun run = CliRun.of("predict", "--model", tinyModel.toString(), "--images", images,
                "--out", tmp.resolve("o.npy").toString());
        assertOneLineError(ExitCodes.DATA, run, "predict", images, "int64", "float32");
    }

    @Test
    void imagesThatAreNotNpy() {
        String images = TINY.resolve("config.json").toString();
        CliRun run = CliRun.of("predict", "--model", tinyModel.toString(), "--images", images,
                "--out", tmp.resolve("o.npy").toString());
        assertOneLineError(ExitCodes.DATA, run, "predict", images, ".npy");
    }

    @Test
    void missingImages() {
        String images = tmp.resolve("none.npy").toString();
        CliRun run = CliRun.of("predict", "--model", tinyModel.toString(), "--images", images,
                "--out", tmp.resolve("o.npy").toString());
        assertOneLineError(ExitCodes.DATA, run, "predict", images, "no such file");
    }

    @Test
    void missingModel() {
        String model = tmp.resolve("none.zip").toString();
        CliRun run = CliRun.of("predict", "--model", model, "--images", TINY.resolve("input.npy").toString(),
                "--out", tmp.resolve("o.npy").toString());
        assertOneLineError(ExitCodes.DATA, run, "predict", model, "no such");
    }

    @Test
    void modelThatIsNotAModelZip() throws IOException {
        Path model = tmp.resolve("fake.zip");
        Files.writeString(model, "not a zip at all");
        CliRun run = CliRun.of("predict", "--model", model.toString(), "--images", TINY.resolve("input.npy").toString(),
                "--out", tmp.resolve("o.npy").toString());
        assertOneLineError(ExitCodes.DATA, run, "predict", model.toString());
    }

    @Test
    void verbosePrintsTheStackTrace() {
        String missing = tmp.resolve("nope.th").toString();
        CliRun run = CliRun.of("-v", "import", "--checkpoint", missing, "--config", TINY.resolve("config.json").toString(),
                "--out", tmp.resolve("m.zip").toString());
        assertEquals(ExitCodes.DATA, run.exitCode(), run::toString);
        assertTrue(run.errLines().get(0).startsWith("vil import: error: "), run::toString);
        assertTrue(run.err().contains("\tat io.vilspark."), run::toString);
    }

    @Test
    void verboseAfterTheSubcommandWorksToo() {
        String missing = tmp.resolve("nope.th").toString();
        CliRun run = CliRun.of("import", "--checkpoint", missing, "--config", TINY.resolve("config.json").toString(),
                "--out", tmp.resolve("m.zip").toString(), "--verbose");
        assertTrue(run.err().contains("\tat io.vilspark."), run::toString);
    }

    @Test
    void usageErrorsShowTheUsage() {
        CliRun run = CliRun.of("predict", "--model", tinyModel.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Missing required option"), run::toString);
        assertTrue(run.err().contains("Usage: vil predict"), run::toString);
    }

    @Test
    void featuresAndTokensExcludeEachOther() {
        CliRun run = CliRun.of("predict", "--model", tinyModel.toString(), "--images",
                TINY.resolve("input.npy").toString(), "--out", tmp.resolve("o.npy").toString(), "--features", "--tokens");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("mutually exclusive"), run::toString);
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("Usage: vil"), run::toString);
    }
}
