package io.vilspark.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.VilChildJvm;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: {@code vil extract} in its own JVM dies in the middle of a partition (halted, no
 * clean-up at all, as with kill -9); the rerun keeps what was committed and ends with exactly one
 * row per usable input.
 */
@IntegrationTest
class ExtractKilledJvmTest {
    @TempDir
    Path dir;

    @Test
    void aKilledRunLeavesNothingThatLooksCompleteAndTheRerunFinishesIt() throws Exception {
        ExtractScenario scenario = new ExtractScenario(FileSystem.getLocal(new Configuration()),
                dir.toUri().toString().replaceAll("/$", ""), dir);
        Path out = dir.resolve("out");
        Path log = dir.resolve("child.log");
        Process child = VilChildJvm.start(List.of("extract", "--model", scenario.model, "--input", scenario.images,
                "--out", out.toString(), "--quiet", "--set", "images_per_partition=4", "--set", "batch_size=3",
                "--set", "fail_on_key=\"dog/d01.png\"", "--set", "fail_mode=halt"), List.of(), log);
        assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the child JVM ends");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(86, child.exitValue(), "halted at the injected key:\n" + output);

        Map<String, Long> committed = scenario.committedFiles(out.toString());
        assertFalse(committed.containsKey("part-00002.parquet"), "the partition being written is not committed");
        assertFalse(committed.isEmpty(), "work finished before the crash is kept (two task slots: partition 2 "
                + "started when an earlier one had finished)");
        assertFalse(Files.exists(out.resolve(OutputFolder.SUMMARY)), "an unfinished run has no summary");
        try (var temporary = Files.list(out.resolve(PartitionFile.TEMPORARY))) {
            assertTrue(temporary.anyMatch(p -> p.getFileName().toString().startsWith("part-00002.parquet.attempt-")),
                    "the killed attempt's partial file is under its temporary name");
        }

        ExtractJob.Result rerun = scenario.extract(scenario.images, out.toString());
        assertEquals(committed.size(), rerun.resumedPartitions());
        assertEquals(ExtractScenario.VALID, scenario.rows(out.toString()).size(), "exactly one row per usable input");
        assertFalse(Files.exists(out.resolve(PartitionFile.TEMPORARY)));
        assertTrue(Files.exists(out.resolve(OutputFolder.SUMMARY)));
    }
}
