package io.vilspark.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

import io.vilspark.config.ConfigException;
import io.vilspark.data.read.ShardDataException;
import io.vilspark.train.NonFiniteLossException;

/**
 * Tells failures the user can fix (bad configuration, unreadable or damaged files) from bugs,
 * and words them as one line. Every I/O problem counts as the user's: a missing, damaged or
 * unwritable file is fixed outside the program.
 */
final class ExpectedFailures {
    private ExpectedFailures() {
    }

    /** The one-line message for an expected failure, or empty for an unexpected one. */
    static Optional<String> messageOf(Throwable e) {
        if (e instanceof ConfigException || e instanceof BadInputException || e instanceof ShardDataException
                || e instanceof NonFiniteLossException) {
            return Optional.of(oneLine(e.getMessage()));
        }
        if (e instanceof IOException io) {
            return Optional.of(oneLine(describe(io)));
        }
        return Optional.empty();
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        if (e instanceof FileNotFoundException || e.getClass() == IOException.class
                || e.getClass().getPackageName().startsWith("io.vilspark")) {
            // our own exceptions and Hadoop's plain ones already name the file
            return String.valueOf(e.getMessage());
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Keeps the "one line per error" promise even for messages from libraries. */
    static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
