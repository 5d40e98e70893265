package io.vilspark.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --batch N}: images per batch, the same option in every command that batches images. */
final class BatchOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--batch", paramLabel = "N",
            description = "Images per batch: one forward pass, or one worker's minibatch when training or reading "
                    + "(default: ${DEFAULT-VALUE}).")
    int size;

    /** @param byDefault the size without {@code --batch} (for a job: its configuration's, shown in --help) */
    BatchOption(int byDefault) {
        this.size = byDefault;
    }

    /** The size, at least 1. */
    int size() {
        if (size < 1) {
            throw new ParameterException(command.commandLine(), "--batch must be at least 1, got " + size);
        }
        return size;
    }

    /** Whether {@code --batch} was given, so that a job's configuration file is not overridden by the default. */
    boolean given() {
        return command.commandLine().getParseResult().hasMatchedOption("--batch");
    }
}
