package io.vilspark.data;

import java.io.IOException;

/**
 * Input data that cannot be used as it is: a missing or damaged manifest, a shard that is not Parquet, partitions
 * that do not belong together. The message names the file and what is wrong; the user fixes the data (rerunning
 * the same command on the same data fails the same way).
 */
public class BadDataException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadDataException(String message) {
        super(message);
    }

    public BadDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
