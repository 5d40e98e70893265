package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.vilspark.testing.CliRun;
import io.vilspark.testing.IntegrationTest;
import org.junit.jupiter.api.Test;

/** {@code vil bench-data read} on tiny drawn shards: both paths measured, settings checked by name. */
@IntegrationTest
class BenchReadCommandTest {

    @Test
    void measuresThePlainAndTheAugmentedPathOnDrawnShards() {
        CliRun run = CliRun.of("bench-data", "read", "--resolution", "16", "--images", "12", "--batch", "4",
                "--seconds", "0.01", "--set", "augment.three_augment=true");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.outLines();
        assertTrue(lines.stream().anyMatch(l -> l.matches("plain +3x16x16 -> 16 +\\d+ images .* images/s")), run::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("augmented +3x16x16 -> 16 +\\d+ images .* images/s")), run::toString);
        assertTrue(run.out().contains("3-augment"), run::toString);
    }

    @Test
    void oneMeasurementEndsWithTheImagesPerSecondLine() {
        CliRun run = CliRun.of("bench-data", "read", "--resolution", "8", "--images", "6", "--batch", "4",
                "--seconds", "0.01", "--no-augment", "--channels", "1", "--model-size", "4");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.outLines();
        assertTrue(lines.get(lines.size() - 1).matches("images/s: \\d+(\\.\\d+)?"), run::toString);
    }

    @Test
    void unknownReaderSettingsAreRefusedByName() {
        CliRun run = CliRun.of("bench-data", "read", "--resolution", "8", "--images", "4", "--set", "augment.mixup=0");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("reader.augment.mixup"), run::toString);
    }
}
