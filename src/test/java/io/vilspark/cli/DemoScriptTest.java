package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vilspark.testing.IntegrationTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/demo end to end on a small subset of Fashion-MNIST (prepare, train one epoch of a small
 * model, evaluate): the results folder and the last line the demo promises.
 */
@IntegrationTest
class DemoScriptTest {
    static final Path DEMO = Path.of("jobs", "demo").toAbsolutePath();
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    record Run(int code, List<String> lines, String text) {
    }

    private Run demo(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(DEMO.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // the test's classpath: no build inside the test
        pb.environment().put("VIL_CLASSPATH", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")));
        pb.environment().put("JAVA_OPTS", "-Xmx3g");
        pb.environment().remove("VIL_DEMO_SET");
        pb.environment().putAll(env);
        Path log = dir.resolve("demo.log");
        Process p = pb.redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), "the demo ends");
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return new Run(p.exitValue(), text.lines().toList(), text);
    }

    @Test
    void smokeRunLeavesTheResultsAndEndsWithTheTestAccuracy() throws Exception {
        assumeTrue(Files.isDirectory(FASHION_MNIST), "needs the Debian package dataset-fashion-mnist");
        Path results = dir.resolve("results");
        // settings through --set and through VIL_DEMO_SET, each to its own step
        Run run = demo(Map.of("VIL_DEMO_SET", "model.dim=16 model.depth=1 train.averaging_frequency=2"),
                results.toString(), "--set", "prepare.limit=320", "--set", "train.epochs=1",
                "--set=train.warmup_epochs=0.5", "--set", "train.global_batch=32", "--set", "evaluate.batch_size=50");
        assertEquals(0, run.code(), run.text());
        String last = run.lines().get(run.lines().size() - 1);
        assertTrue(last.matches("test accuracy: 0\\.\\d{4}"), last);

        for (String f : List.of("data/_manifest.json", "train/model.zip", "train/metrics.jsonl", "train/curves.png",
                "train/checkpoints/epoch-0001.zip", "evaluation/summary.json", "evaluation/confusion.csv",
                "evaluation/per_class.csv", "evaluation/confusion.png")) {
            assertTrue(Files.isRegularFile(results.resolve(f)), f + " missing:\n" + run.text());
        }
        ObjectMapper json = new ObjectMapper();
        var summary = json.readTree(new File(results.toFile(), "evaluation/summary.json"));
        assertEquals(320, summary.get("images").asInt(), "the 320 test images of the limited val split");
        assertEquals(50, summary.get("batch_size").asInt(), "evaluate.* reached vil evaluate");
        assertEquals(String.format(Locale.ROOT, "test accuracy: %.4f", summary.get("top1").asDouble()), last);
        // vil train's own validation (DL4J's Evaluation) on the same split agrees with vil evaluate
        List<String> metrics = Files.readAllLines(results.resolve("train/metrics.jsonl"));
        assertEquals(1, metrics.size(), "train.epochs reached vil train");
        assertEquals(json.readTree(metrics.get(0)).get("valTop1").asDouble(), summary.get("top1").asDouble(), 1e-9);
        assertTrue(run.text().contains("ViL dim 16, 1 pairs"), "model.* from VIL_DEMO_SET reached vil train");
    }

    @Test
    void badSettingsAndAMissingDatasetStopBeforeAnyWork() throws Exception {
        Run unknown = demo(Map.of(), dir.resolve("r").toString(), "--set", "epochs=1");
        assertEquals(2, unknown.code(), unknown.text());
        assertTrue(unknown.text().contains("jobs/demo: --set epochs=1: expected prepare.KEY=VALUE"), unknown.text());
        Run missing = demo(Map.of("VIL_FASHION_MNIST", dir.resolve("nowhere").toString()), dir.resolve("r").toString());
        assertEquals(3, missing.code(), missing.text());
        assertTrue(missing.text().startsWith("jobs/demo: no Fashion-MNIST IDX files in VIL_FASHION_MNIST="), missing.text());
    }
}
