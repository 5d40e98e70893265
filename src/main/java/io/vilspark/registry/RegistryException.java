package io.vilspark.registry;

import java.io.IOException;

/** A registry operation that cannot be done as asked (unknown version, nothing to roll back); the message says why. */
public class RegistryException extends IOException {
    public RegistryException(String message) {
        super(message);
    }
}
