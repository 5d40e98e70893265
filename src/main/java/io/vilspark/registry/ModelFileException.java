package io.vilspark.registry;

import java.io.IOException;

/** A model file that is missing, not ours, or damaged; the message names the file. */
public class ModelFileException extends IOException {
    public ModelFileException(String message) {
        super(message);
    }
}
