package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import io.vilspark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --set}, {@code --config}, {@code --batch} and {@code --threads} mean the same in vil evaluate and
 * vil extract: a full key, a key within the command's block, a file and the named option all reach the
 * same setting, and an option left out does not override the file.
 */
class SettingsOptionsTest {
    @TempDir
    static Path dir;

    @Test
    void everyWayToSetTheBatchSizeReachesEvaluate() throws Exception {
        assertEveryWay("evaluate", args -> parse(new EvaluateCommand(), "--data", "d", args).settings().inference().batchSize());
    }

    @Test
    void everyWayToSetTheBatchSizeReachesExtract() throws Exception {
        assertEveryWay("extract", args -> parse(new ExtractCommand(), "--input", "i", args).settings().inference().batchSize());
    }

    private static void assertEveryWay(String block, ToIntFunction<List<String>> batchSize) throws Exception {
        Path file = Files.writeString(dir.resolve(block + ".conf"), block + " { batch_size = 7 }\n");
        assertEquals(7, batchSize.applyAsInt(List.of("--set", block + ".batch_size=7")), "full key");
        assertEquals(7, batchSize.applyAsInt(List.of("--set", "batch_size=7")), "key within the block");
        assertEquals(7, batchSize.applyAsInt(List.of("--config", file.toString())), "file");
        assertEquals(7, batchSize.applyAsInt(List.of("--batch", "7")), "named option");
        assertEquals(9, batchSize.applyAsInt(List.of("--config", file.toString(), "--set", "batch_size=9")), "--set over the file");
        assertEquals(5, batchSize.applyAsInt(List.of("--config", file.toString(), "--batch", "5")), "--batch over the file");
    }

    @Test
    void threadsReachTheJobOnlyWhenGiven() throws Exception {
        Path file = Files.writeString(dir.resolve("threads.conf"), "evaluate { threads_per_task = 3 }\n");
        assertEquals(3, parse(new EvaluateCommand(), "--data", "d", List.of("--config", file.toString()))
                .settings().inference().threadsPerTask());
        assertEquals(2, parse(new EvaluateCommand(), "--data", "d", List.of("--config", file.toString(), "--threads", "2"))
                .settings().inference().threadsPerTask());
    }

    @Test
    void aModelPresetIsNoJobsSettings() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(new ExtractCommand(), "--input", "i", List.of("--config", "demo")).settings());
        assertTrue(e.getMessage().startsWith("demo: a model preset holds no settings of vil extract"), e.getMessage());
    }

    @Test
    void fullKeysOfOtherBlocksStayAsTheyAre() {
        SetOptions sets = new SetOptions();
        sets.values.addAll(List.of("epochs=1", "train.epochs=2", "model.dim=96", " lr = 0.1", "retrain.margin=0"));
        assertEquals(List.of("retrain.epochs=1", "train.epochs=2", "model.dim=96", "retrain.lr = 0.1", "retrain.margin=0"),
                sets.fullKeys("retrain", "train", "model"));
    }

    /** The command as picocli fills it from {@code --model m --out o <input option> <args>}. */
    private static <T> T parse(T command, String inputOption, String input, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--model", "m", "--out", "o", inputOption, input));
        all.addAll(args);
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return command;
    }
}
