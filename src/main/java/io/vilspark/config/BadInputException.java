package io.vilspark.config;

/**
 * Something the user gave (a file, an option value) is unusable, found before any job runs. The
 * message names the file or option and what is wrong; the CLI shows it as one line, with the exit code of
 * bad input data, or of a usage error for an option ({@link #usage}).
 */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean usage;

    public BadInputException(String message) {
        this(message, null, false);
    }

    public BadInputException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private BadInputException(String message, Throwable cause, boolean usage) {
        super(message, cause);
        this.usage = usage;
    }

    /** An option value or combination of options that cannot work (a usage error, not bad data). */
    public static BadInputException usage(String message) {
        return new BadInputException(message, null, true);
    }

    /** True for a wrong option value, false for unusable input data. */
    public boolean isUsage() {
        return usage;
    }
}
