package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vilspark.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code vil bench} runs both modes and ends with the line scripts parse. */
class BenchCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile("images/s: (\\d+(\\.\\d+)?)");
    private static final Pattern MEMORY_LINE = Pattern.compile(
            "memory      resident (\\d+\\.\\d+) GB \\(peak (\\d+\\.\\d+) GB\\), JVM heap (\\d+\\.\\d+) GB used of \\d+\\.\\d+ GB committed \\(peak (\\d+\\.\\d+) GB\\)");

    @ParameterizedTest
    @ValueSource(strings = {"infer", "train"})
    void demoPresetReportsImagesPerSecond(String mode) {
        CliRun run = CliRun.of("bench", "--config", "demo", "--batch", "4", "--mode", mode, "--iters", "1",
                "--warmup", "0");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.outLines();
        Matcher m = LAST_LINE.matcher(lines.get(lines.size() - 1));
        assertTrue(m.matches(), run::toString);
        assertTrue(Double.parseDouble(m.group(1)) > 0, run::toString);
        assertTrue(run.out().contains("batch       4"), run::toString);
        assertTrue(run.out().contains("threads     "), run::toString);
        assertTrue(run.out().contains("kernels     ND4J linux-x86_64-onednn, OpenBLAS "), run::toString);
        Matcher memory = MEMORY_LINE.matcher(run.out());
        assertTrue(memory.find(), run::toString);
        double resident = Double.parseDouble(memory.group(1));
        double peak = Double.parseDouble(memory.group(2));
        // this JVM holds Spark, DL4J and ND4J's native libraries: well above 0.1 GB
        assertTrue(resident > 0.1 && peak >= resident, run::toString);
        double heapUsed = Double.parseDouble(memory.group(3));
        double heapPeak = Double.parseDouble(memory.group(4));
        // the heap's pages are resident: the process's peak covers the heap's
        assertTrue(heapPeak > 0 && heapPeak >= heapUsed && peak >= heapPeak, run::toString);
    }

    @Test
    void threadsOptionIsAppliedAndReported() {
        CliRun run = CliRun.of("bench", "--config", "demo", "--set", "depth=1", "--batch", "2", "--mode", "infer",
                "--iters", "1", "--warmup", "0", "--threads", "1");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("threads     1 "), run::toString);
    }

    /** Warm-up goes on past its iterations until its seconds have passed (a small model's steps are short). */
    @Test
    void warmUpLastsAtLeastItsSeconds() {
        long start = System.nanoTime();
        CliRun run = CliRun.of("bench", "--config", "demo", "--set", "depth=1", "--batch", "2", "--mode", "infer",
                "--iters", "1", "--warmup", "1", "--warmup-seconds", "2", "--threads", "1");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, run.exitCode(), run::toString);
        Matcher warmedUp = Pattern.compile("warmed up   (\\d+) iterations").matcher(run.out());
        assertTrue(warmedUp.find(), run::toString);
        assertTrue(Integer.parseInt(warmedUp.group(1)) > 1, run::toString);
        assertTrue(seconds >= 2, "the run took " + seconds + " s");
    }

    @Test
    void nonPositiveBatchIsAUsageError() {
        CliRun run = CliRun.of("bench", "--config", "demo", "--batch", "0", "--mode", "infer");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--batch must be at least 1, got 0"), run::toString);
    }

    @Test
    void unknownModeIsAUsageError() {
        CliRun run = CliRun.of("bench", "--config", "demo", "--batch", "1", "--mode", "fast");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("fast"), run::toString);
    }
}
