package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.Optional;

import io.vilspark.data.read.ShardDataException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed subcommand as {@code vil <cmd>: error: <message>} on stderr. Expected
 * failures exit with the code of their kind ({@link ExitCodes}), anything else (a bug) with 70 and a
 * hint; the stack trace only with {@code --verbose}, since users need the message, not the frames.
 */
final class CliExceptionHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult fullParseResult) {
        // a reader's error raised in a Spark task arrives wrapped in Spark's exceptions: report the reader's
        Exception e = ShardDataException.findIn(failure) != null ? ShardDataException.findIn(failure) : failure;
        PrintWriter err = command.getErr();
        String prefix = command.getCommandSpec().qualifiedName() + ": ";
        boolean verbose = verboseRequested(fullParseResult);
        Optional<String> expected = ExpectedFailures.messageOf(e);
        if (expected.isPresent()) {
            err.println(prefix + "error: " + expected.get());
        } else {
            err.println(prefix + "internal error: " + e.getClass().getName() + ": "
                    + ExpectedFailures.oneLine(e.getMessage())
                    + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.of(e);
    }

    /** --verbose is inherited, so it may sit on the top command or on any subcommand. */
    private static boolean verboseRequested(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
