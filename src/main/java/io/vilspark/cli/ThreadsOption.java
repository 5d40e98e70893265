package io.vilspark.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --threads T}: native threads to compute with, the same option in every command that computes. */
final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--threads", paramLabel = "T",
            description = "Native threads (OpenMP, ND4J ops, BLAS) to compute with, per running task in a Spark job; "
                    + "0 = automatic: spark.task.cpus per task in a Spark job, else ND4J's own choice "
                    + "(OMP_NUM_THREADS or the cores) with minibatches whole (default: 0).")
    int count;

    /** The count, at least 0. */
    int count() {
        if (count < 0) {
            throw new ParameterException(command.commandLine(), "--threads must be at least 0, got " + count);
        }
        return count;
    }

    /** Whether {@code --threads} was given, so that a job's configuration file is not overridden by the default. */
    boolean given() {
        return command.commandLine().getParseResult().hasMatchedOption("--threads");
    }
}
