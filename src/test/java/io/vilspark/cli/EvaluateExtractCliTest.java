package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vilspark.testing.CliRun;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vil evaluate and vil extract through the command line: output, the last line, and one-line errors. */
@IntegrationTest
class EvaluateExtractCliTest {
    @TempDir
    static Path dir;
    static String model;
    static String data;

    @BeforeAll
    static void modelAndData() throws Exception {
        LocalSpark.session(); // the session the commands find (local[2])
        model = dir.resolve("model.zip").toString();
        InferenceFixtures.writeModel(model, InferenceFixtures.tinyRgb(16, 3), 1);
        data = dir.resolve("data").toString();
        InferenceFixtures.writeSplit(data, "val", InferenceFixtures.randomImages("val", 12, 16, 3, 2), 16, 4, 2);
        InferenceFixtures.writeManifest(data, 3, 16, 4, Map.of("val", 12L));
    }

    private static void assertOneLineError(int exitCode, CliRun run, String command, String... fragments) {
        assertEquals(exitCode, run.exitCode(), run::toString);
        List<String> errors = run.errLines().stream().filter(l -> l.startsWith("vil ")).toList();
        assertEquals(1, errors.size(), run::toString);
        String line = errors.get(0);
        assertTrue(line.startsWith("vil " + command + ": error: "), line);
        for (String f : fragments) {
            assertTrue(line.contains(f), () -> "'" + f + "' not in: " + line);
        }
        assertFalse(run.err().contains("\tat "), run::toString);
    }

    @Test
    void evaluateEndsWithTheTestAccuracy() throws Exception {
        String out = dir.resolve("eval").toString();
        CliRun run = CliRun.of("evaluate", "--model", model, "--data", data, "--out", out, "--quiet", "--batch", "5");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.outLines();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("test accuracy: [01]\\.\\d{4}"), last);
        double top1 = new ObjectMapper().readTree(new File(out, "summary.json")).get("top1").asDouble();
        assertEquals(String.format(java.util.Locale.ROOT, "test accuracy: %.4f", top1), last);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("class A ")), run::toString);
        for (String f : List.of("summary.json", "confusion.csv", "per_class.csv", "confusion.png")) {
            assertTrue(Files.exists(Path.of(out, f)), f);
        }
    }

    @Test
    void extractWritesTheColumnsAsked() {
        String out = dir.resolve("features").toString();
        CliRun run = CliRun.of("extract", "--model", model, "--input", data, "--out", out, "--quiet", "--top-k", "2",
                "--logits");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("rows        12 (columns key, label, features, logits, top_classes, top_probs, top_names)"),
                run::toString);
        assertTrue(run.outLines().get(run.outLines().size() - 1).startsWith("images/s: "), run::toString);
        assertEquals(12, LocalSpark.session().read().parquet(out + "/val").count());
    }

    @Test
    void aDamagedShardIsOneLineNamingItForEveryReader() throws Exception {
        String damaged = dir.resolve("damaged").toString();
        InferenceFixtures.writeSplit(damaged, "val", InferenceFixtures.randomImages("val", 12, 16, 3, 2), 16, 4, 2);
        InferenceFixtures.writeManifest(damaged, 3, 16, 4, Map.of("val", 12L));
        Path notes = Files.writeString(Path.of(damaged, "val", "notes.txt"), "a text file among the shards");
        String textFile = "/val/notes.txt: not a readable Parquet shard (no Parquet footer";
        assertOneLineError(ExitCodes.DATA, CliRun.of("evaluate", "--model", model, "--data", damaged, "--out",
                dir.resolve("d1").toString()), "evaluate", textFile);
        assertOneLineError(ExitCodes.DATA, CliRun.of("extract", "--model", model, "--input", damaged, "--out",
                dir.resolve("d2").toString()), "extract", textFile);
        Files.delete(notes);

        // cut in half, its Hadoop .crc file still beside it
        Path shard;
        try (var files = Files.list(Path.of(damaged, "val"))) {
            shard = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
        byte[] whole = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(whole, whole.length / 2));
        String truncated = "/val/" + shard.getFileName() + ": not a readable Parquet shard (";
        assertOneLineError(ExitCodes.DATA, CliRun.of("evaluate", "--model", model, "--data", damaged, "--out",
                dir.resolve("d3").toString()), "evaluate", truncated);
        assertOneLineError(ExitCodes.DATA, CliRun.of("extract", "--model", model, "--input", damaged, "--out",
                dir.resolve("d4").toString()), "extract", truncated);
        assertFalse(Files.exists(dir.resolve("d3")), "nothing written for a failed evaluation");
    }

    @Test
    void mistakesAreOneLineErrors() {
        String missing = dir.resolve("nope.zip").toString();
        assertOneLineError(ExitCodes.DATA, CliRun.of("evaluate", "--model", missing, "--data", data, "--out", dir.resolve("e1").toString()),
                "evaluate", missing, "no such model file");
        assertOneLineError(ExitCodes.USAGE, CliRun.of("evaluate", "--model", model, "--data", data, "--out", dir.resolve("e2").toString(),
                "--set", "batchsize=3"), "evaluate", "evaluate.batchsize", "unknown key", "batch_size");
        assertOneLineError(ExitCodes.DATA, CliRun.of("evaluate", "--model", model, "--data", data, "--out", dir.resolve("e3").toString(),
                "--split", "test"), "evaluate", data + "/test", "no such split folder");
        assertOneLineError(ExitCodes.USAGE, CliRun.of("extract", "--model", model, "--input", data, "--out", dir.resolve("x1").toString(),
                "--format", "images", "--resolution", "18"), "extract", "extract.resolution", "18 is not a multiple");
        assertOneLineError(ExitCodes.DATA, CliRun.of("extract", "--model", model, "--input", dir.resolve("none").toString(), "--out",
                dir.resolve("x2").toString()), "extract", "none: no such folder");
        String other = dir.resolve("other-classes.zip").toString();
        try {
            InferenceFixtures.writeModel(other, InferenceFixtures.tinyRgb(16, 4), 1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertOneLineError(ExitCodes.DATA, CliRun.of("evaluate", "--model", other, "--data", data, "--out", dir.resolve("e4").toString()),
                "evaluate", "does not fit the model", "classes: dataset 3, model num_classes 4");
    }
}
