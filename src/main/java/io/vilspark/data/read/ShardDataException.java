package io.vilspark.data.read;

/**
 * Shards that cannot be read as the manifest and the model say they should: a schema mismatch, a
 * row whose geometry disagrees with the manifest, a dataset that does not fit the model. The
 * message names the file, column or row key. Unchecked because it is raised inside the iterators
 * Spark runs on the executors.
 */
public class ShardDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShardDataException(String message) {
        super(message);
    }

    public ShardDataException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The reader's own error inside a failure that Spark wrapped (a task failure arrives as a
     * {@code SparkException} whose cause chain holds the executor's exception), or null.
     */
    public static ShardDataException findIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ShardDataException e) {
                return e;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
