package io.vilspark.data;

import java.io.EOFException;

import org.apache.hadoop.fs.ChecksumException;

/**
 * Why a file could not be read, in words: the libraries' own messages name Java classes and byte offsets
 * ({@code java.lang.RuntimeException: java.io.EOFException}), which tell a user nothing.
 */
public final class ReadFailures {
    private ReadFailures() {
    }

    /** The reason, from the first cause that says something a user can act on; else the first line of the message. */
    public static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ChecksumException) {
                return "its content does not match its .crc checksum file: the file was changed or cut short "
                        + "after it was written";
            }
            if (t instanceof EOFException) {
                return "the file ends early: it is truncated";
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("is not a Parquet file")) {
                return "no Parquet footer: not a Parquet file, or truncated";
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // a wrapper's message is often its cause's toString(): "java.io.IOException: the words"
        return message.lines().findFirst().orElse("").replaceFirst("^(?:[a-z]\\w*\\.)+[A-Z]\\w*(?:Exception|Error): ", "");
    }
}
