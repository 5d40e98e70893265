package io.vilspark.interop;

import java.io.IOException;

/**
 * The one error every reader in this package throws for malformed or hostile input.
 * The message always starts with the file (or stream) it is about, then the problem.
 */
public class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    public CheckpointFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
