package io.vilspark.cli;

/**
 * Something the user gave (a file, an option value) is unusable, found by the CLI itself. The
 * message names the file or option and what is wrong; it is shown as one line, exit code 2.
 */
final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInputException(String message) {
        super(message);
    }

    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
