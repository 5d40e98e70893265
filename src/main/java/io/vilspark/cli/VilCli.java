package io.vilspark.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code vil} command line. A new subcommand is one more class in {@code subcommands} below.
 * Expected failures print one line and exit with the code of their kind ({@link CliExceptionHandler},
 * {@link ExitCodes}); usage errors picocli finds exit with {@link ExitCodes#USAGE} too.
 */
@Command(name = "vil",
        mixinStandardHelpOptions = true,
        versionProvider = JarVersion.class,
        description = "Vision-LSTM (ViL) models on Apache Spark with Deeplearning4j.",
        exitCodeListHeading = "%nExit codes (of every subcommand):%n",
        exitCodeList = {
                "0:Success.",
                "64:Usage or configuration error: fix the command or the .conf file.",
                "65:Bad input data (missing, damaged or unsuitable file): fix the data.",
                "70:Internal error (a bug): report it with the --verbose output.",
                "74:Storage failure (no space, permission denied, I/O error): fix the storage, then rerun.",
                "75:Another run holds the registry's lock: retry later.",
        },
        subcommands = {
                ImportCommand.class,
                PredictCommand.class,
                BenchCommand.class,
                BenchFormsCommand.class,
                PrepareCommand.class,
                TrainCommand.class,
                EvaluateCommand.class,
                ExtractCommand.class,
                BenchDataCommand.class,
                BenchTrainCommand.class,
                BenchExtractCommand.class,
                RetrainCommand.class,
                RegistryCommand.class,
        })
public final class VilCli implements Callable<Integer> {

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "On errors, also print the Java stack trace.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** {@code vil} without a subcommand is a usage error, reported like any other. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The configured command line: use this (not {@code new CommandLine(new VilCli())}) to run it. */
    public static CommandLine commandLine() {
        return new CommandLine(new VilCli())
                .setExecutionExceptionHandler(new CliExceptionHandler())
                // picocli's own usage errors (unknown option, missing required option), in every subcommand
                .setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
                        ? ExitCodes.USAGE : ExitCodes.of(e));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
