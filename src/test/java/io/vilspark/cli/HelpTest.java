package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.vilspark.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine;

/** {@code --help} works everywhere and documents every option. */
class HelpTest {

    @Test
    void topLevelHelpListsTheSubcommands() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode(), run::toString);
        for (String s : List.of("import", "predict", "bench", "evaluate", "extract", "bench-extract", "retrain", "registry", "--verbose",
                "--version")) {
            assertTrue(run.out().contains(s), () -> s + " missing:\n" + run);
        }
    }

    @ParameterizedTest
    @CsvSource({"import", "predict", "bench", "bench-forms", "train", "bench-train", "evaluate", "extract", "bench-extract",
            "retrain", "registry"})
    void subcommandHelpMentionsEachOption(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertEquals(0, run.exitCode(), run::toString);
        CommandLine sub = VilCli.commandLine().getSubcommands().get(command);
        for (CommandLine.Model.OptionSpec option : sub.getCommandSpec().options()) {
            assertTrue(run.out().contains(option.longestName()), () -> option.longestName() + " missing:\n" + run);
        }
        assertTrue(run.out().contains("Usage: vil " + command), run::toString);
    }

    @Test
    void versionIsPrinted() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("vil "), run::toString);
    }
}
