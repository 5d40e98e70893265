package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vilspark.testing.CliRun;
import org.junit.jupiter.api.Test;

/** {@code vil bench-forms} on a tiny model: a row per size and form, with positive times. */
class BenchFormsCommandTest {
    private static final Pattern ROW = Pattern.compile("(\\d+)\\s+(\\d+)\\s+(\\w+)\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d+|-)");

    @Test
    void tinyModelHasARowPerFormWithPositiveTimes() {
        CliRun run = CliRun.of("bench-forms", "--config", "demo", "--set", "depth=1", "--set", "dim=16",
                "--sizes", "8,12", "--forms", "parallel,chunkwise,recurrent", "--chunk-size", "2", "--batch", "2",
                "--threads", "1", "--warmup", "0", "--iters", "1", "--backward-max-patches", "4");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("batch       2"), run::toString);
        assertTrue(run.out().contains("threads     1 "), run::toString);
        List<String> rows = run.outLines().stream().filter(l -> ROW.matcher(l).matches()).toList();
        assertEquals(6, rows.size(), run::toString);
        int i = 0;
        for (String size : List.of("8", "12")) {
            for (String form : List.of("parallel", "chunkwise", "recurrent")) {
                Matcher m = ROW.matcher(rows.get(i++));
                assertTrue(m.matches());
                assertEquals(size, m.group(1), run::toString);
                assertEquals(size.equals("8") ? "4" : "9", m.group(2), run::toString);
                assertEquals(form, m.group(3), run::toString);
                assertTrue(Double.parseDouble(m.group(4)) > 0, run::toString);
                // forward + backward only up to 4 patches
                if (size.equals("8")) {
                    assertTrue(Double.parseDouble(m.group(5)) > 0, run::toString);
                } else {
                    assertEquals("-", m.group(5), run::toString);
                }
            }
        }
    }

    @Test
    void unknownFormIsAUsageError() {
        CliRun run = CliRun.of("bench-forms", "--config", "demo", "--forms", "fast", "--sizes", "8");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("fast"), run::toString);
    }
}
