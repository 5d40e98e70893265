package io.vilspark.cli;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Optional;

import io.vilspark.config.BadInputException;
import io.vilspark.config.ConfigException;
import io.vilspark.data.read.ShardDataException;
import io.vilspark.train.NonFiniteLossException;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.ParentNotDirectoryException;

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
        if (e instanceof ChecksumException) {
            return "a file does not match its Hadoop .crc checksum file: it was changed or cut short after it was "
                    + "written (" + e.getMessage() + ")";
        }
        if (e instanceof FileNotFoundException || e.getClass() == IOException.class
                || e.getClass().getPackageName().startsWith("io.vilspark")) {
            // our own exceptions and Hadoop's plain ones already name the file
            return String.valueOf(e.getMessage());
        }
        return plainWords(e);
    }

    /** A library's exception in words: the class names mean nothing to a user. */
    private static String plainWords(IOException e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        if (e instanceof EOFException) {
            return "the file ends early: it is truncated" + message;
        }
        if (e instanceof ParentNotDirectoryException) {
            return "cannot write there: its parent is a file, not a folder" + message;
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + ": a file, not a folder";
        }
        if (e instanceof FileAlreadyExistsException || e instanceof java.nio.file.FileAlreadyExistsException) {
            return "already exists" + message;
        }
        return "I/O error" + message;
    }

    /** Keeps the "one line per error" promise even for messages from libraries. */
    static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
