package io.vilspark.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * {@code --set KEY=VALUE}: one setting over the command's defaults and its {@code --config}, the same
 * option in every command that takes settings. A full key ({@code train.epochs=3}) works everywhere;
 * a key within the command's own block ({@code epochs=3}) works too.
 */
final class SetOptions {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "One setting, HOCON syntax: its full key (--set train.epochs=3, --set model.dim=96) or its key "
                    + "within the command's own block (--set epochs=3, --set dim=96). A later one wins. Repeatable.")
    List<String> values = new ArrayList<>();

    /** The settings as written, for a reader that resolves keys against its block itself. */
    List<String> asWritten() {
        return List.copyOf(values);
    }

    /**
     * The settings with full keys: a key whose first part names {@code block} or one of {@code others}
     * stays, any other is taken as a key within {@code block}.
     */
    List<String> fullKeys(String block, String... others) {
        List<String> blocks = new ArrayList<>(Arrays.asList(others));
        blocks.add(block);
        return values.stream().map(String::strip).map(s -> blocks.contains(firstPart(s)) ? s : block + "." + s).toList();
    }

    /** {@code train} of {@code train.epochs=3}; the whole key of {@code epochs=3}. */
    private static String firstPart(String setting) {
        return setting.split("[.=:{\\s]", 2)[0];
    }
}
