package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vilspark.testing.CliRun;
import io.vilspark.testing.IntegrationTest;
import org.junit.jupiter.api.Test;

/** {@code vil bench-train} on a tiny model and drawn images: one table row per worker count, numbers that add up. */
@IntegrationTest
class BenchTrainCommandTest {
    static final String HEADER = "workers  threads  rounds  images  seconds  images/s  fit %  averaging %";
    static final Pattern ROW = Pattern.compile(
            " *(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+\\.\\d+) +(\\d+\\.\\d) +(\\d+\\.\\d) +(\\d+\\.\\d)");

    @Test
    void measuresOneAndTwoWorkersOnTheSameCores() {
        CliRun run = CliRun.of("bench-train", "--config", "demo", "--set", "dim=8", "--set", "depth=1",
                "--set", "input_shape=[1,8,8]", "--set", "patch_size=2", "--set", "num_classes=3",
                "--batch", "4", "--batches", "2", "--averaging-frequency", "1", "--warmup", "1", "--workers", "1,2");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.outLines();
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, run::toString);
        int cores = Runtime.getRuntime().availableProcessors();
        for (int workers = 1; workers <= 2; workers++) {
            // each row, then its mean round split by Spark's task metrics
            int row = header + 2 * workers - 1;
            Matcher m = ROW.matcher(lines.get(row));
            assertTrue(m.matches(), () -> "a table row:\n" + run);
            assertTrue(lines.get(row + 1).matches(" +a round: \\d+\\.\\d{3} s = Spark job .*"), run::toString);
            assertEquals(workers, Integer.parseInt(m.group(1)));
            assertEquals(Math.max(1, cores / workers), Integer.parseInt(m.group(2)), "native threads share the cores");
            assertEquals(2, Integer.parseInt(m.group(3)), "2 minibatches per worker, averaged after each: 2 rounds");
            int images = Integer.parseInt(m.group(4));
            assertEquals(workers * 4 * 2, images, "workers x batch 4 x 2 minibatches");
            double seconds = Double.parseDouble(m.group(5));
            double perSecond = Double.parseDouble(m.group(6));
            double fit = Double.parseDouble(m.group(7));
            double averaging = Double.parseDouble(m.group(8));
            assertTrue(seconds > 0 && perSecond > 0, run::toString);
            // the table prints seconds to 0.01 s: on short runs that rounding alone moves images / seconds by a few %
            double roundingTolerance = perSecond * 0.006 / seconds + 0.06;
            assertEquals(images / seconds, perSecond, roundingTolerance, "images/s = images / seconds");
            assertTrue(fit > 0, "the workers spent time fitting: " + run);
            assertEquals(100, fit + averaging, 0.11, "fit and averaging shares add up to the wall time");
        }
        assertTrue(lines.get(header + 5).matches("speed-up: \\d+\\.\\d\\dx \\(2 workers vs 1\\)"), run::toString);
    }

    @Test
    void partialAveragingRoundsAreRefusedByName() {
        CliRun run = CliRun.of("bench-train", "--batches", "6", "--averaging-frequency", "4");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--batches 6 must be a positive multiple of --averaging-frequency 4"), run::toString);
    }

    @Test
    void moreWorkersThanTaskSlotsAreRefused() {
        CliRun run = CliRun.of("bench-train", "--set", "dim=8", "--set", "depth=1", "--workers", "1,64");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--workers 64 needs 64 task slots"), run::toString);
    }
}
