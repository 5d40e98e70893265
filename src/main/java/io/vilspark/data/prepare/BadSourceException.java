package io.vilspark.data.prepare;

import java.io.IOException;

/**
 * The input cannot be prepared as given (no images, a layout that is not understood, a missing
 * ground-truth file, an output that already exists). Raised before any work starts; the message
 * names the path and what is wrong, and is meant to be shown as one line.
 */
public final class BadSourceException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadSourceException(String message) {
        super(message);
    }
}
