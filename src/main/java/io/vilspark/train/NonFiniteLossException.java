package io.vilspark.train;

/** Training diverged (NaN or infinite loss or parameters); the message says where the last good checkpoint is. */
public class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(String message) {
        super(message);
    }
}
