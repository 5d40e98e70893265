package io.vilspark.config;

import java.io.IOException;

/**
 * A command that cannot be carried out as given, although every option is well formed: an output folder that
 * holds another run, a run id planned against another champion, a path that is not what the option needs. The
 * message says what to change in the command.
 */
public class UsageException extends IOException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
