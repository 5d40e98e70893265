package io.vilspark.cli;

/**
 * Something the user gave (a file, an option value) is unusable, found by the CLI itself. The
 * message names the file or option and what is wrong; it is shown as one line, with the exit code of
 * bad input data ({@link ExitCodes#DATA}), or of a usage error for an option ({@link #usage}).
 */
final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    BadInputException(String message) {
        this(message, null, ExitCodes.DATA);
    }

    BadInputException(String message, Throwable cause) {
        this(message, cause, ExitCodes.DATA);
    }

    private BadInputException(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** An option value or combination of options that cannot work (exit code {@link ExitCodes#USAGE}). */
    static BadInputException usage(String message) {
        return new BadInputException(message, null, ExitCodes.USAGE);
    }

    int exitCode() {
        return exitCode;
    }
}
