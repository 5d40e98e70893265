package io.vilspark.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vil bench-data}: throughput of the data pipeline, one subcommand per stage. */
@Command(name = "bench-data", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = "Measure the data pipeline: 'prepare' (images/s per core turning JPEGs into shards), "
                + "'read' (images/s of the shard reader).",
        subcommands = {
                BenchDataPrepareCommand.class,
                BenchReadCommand.class,
        })
final class BenchDataCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (prepare or read)");
    }
}
